/** What an avatar shows when there is no picture: initials on a disc of a color chosen by name. */

export const AVATAR_COLOR_COUNT = 8;

/** Up to two letters: first and last word of the name, e.g. "Ana María López" -> "AL". */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (!first) return '?';
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letters = [first, last].filter((word): word is string => !!word).map(firstGrapheme);
  return letters.join('').toLocaleUpperCase();
}

function firstGrapheme(word: string): string {
  // Array.from splits by code point, so emoji and accented letters stay whole.
  return Array.from(word)[0] ?? '';
}

/** A stable index in [0, AVATAR_COLOR_COUNT) for a name, so a person keeps one color everywhere. */
export function colorIndexOf(name: string): number {
  let hash = 0;
  for (const char of name.trim().toLowerCase()) {
    hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  }
  return hash % AVATAR_COLOR_COUNT;
}
