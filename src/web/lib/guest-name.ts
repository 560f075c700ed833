/**
 * The guest's name in the lobby. GUEST_NAME_MAX and cleanDisplayName mirror src/shared/api.ts:
 * importing values from there would bring zod into the lobby's bundle.
 */
export const GUEST_NAME_MAX = 64;

/** Removes control and bidirectional-override characters, then trims (as the server does). */
export function cleanDisplayName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim();
}

/** Length in code points, as the server counts it: an emoji or a CJK character is one. */
export function nameLength(name: string): number {
  return Array.from(name).length;
}

/**
 * The name a join link suggests with `?username=`: decoded by URLSearchParams, cleaned, and cut
 * to GUEST_NAME_MAX code points rather than rejected, since the guest did not type it.
 */
export function nameFromQuery(search: string): string {
  const raw = new URLSearchParams(search).get('username') ?? '';
  const cut = Array.from(cleanDisplayName(raw)).slice(0, GUEST_NAME_MAX).join('');
  return cleanDisplayName(cut);
}

export type GuestNameProblem = 'empty' | 'tooLong' | null;

export function guestNameProblem(raw: string): GuestNameProblem {
  const name = cleanDisplayName(raw);
  if (!name) return 'empty';
  return nameLength(name) > GUEST_NAME_MAX ? 'tooLong' : null;
}
