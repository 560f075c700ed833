/**
 * The room place this tab holds, kept in sessionStorage (one per tab, gone with it) so that a
 * reloaded room page takes it back (`resume` with `reload`) instead of joining again: the
 * others keep the same tile, and nobody goes through the lobby twice.
 */
export interface SavedPlace {
  peerId: string;
  resumeToken: string;
  /** The last room event this page applied: the resume replays those after it. */
  lastSeq: number;
}

const keyOf = (token: string) => `tertulia.room.${token}`;

export function loadPlace(token: string): SavedPlace | null {
  try {
    const saved: unknown = JSON.parse(globalThis.sessionStorage?.getItem(keyOf(token)) ?? 'null');
    return isPlace(saved) ? saved : null;
  } catch {
    return null; // storage off (private mode) or a value of another version: join afresh
  }
}

export function savePlace(token: string, place: SavedPlace): void {
  try {
    globalThis.sessionStorage?.setItem(keyOf(token), JSON.stringify(place));
  } catch {
    // Storage full or off: a reload then joins afresh, which the room handles too.
  }
}

export function forgetPlace(token: string): void {
  try {
    globalThis.sessionStorage?.removeItem(keyOf(token));
  } catch {
    // Nothing was saved where storage is off.
  }
}

function isPlace(value: unknown): value is SavedPlace {
  if (typeof value !== 'object' || value === null) return false;
  const place = value as Record<string, unknown>;
  return (
    typeof place.peerId === 'string' &&
    typeof place.resumeToken === 'string' &&
    typeof place.lastSeq === 'number'
  );
}
