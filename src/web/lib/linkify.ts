/**
 * Splits chat text into plain text and web links, so links can be made clickable while
 * everything else stays text (React escapes it: no HTML from anyone ever reaches the page).
 */
export type ChatPiece =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi;
/** Punctuation that ends a sentence rather than a URL: "see https://x.org." */
const TRAILING = /[.,;:!?)\]}]+$/;

export function linkify(text: string): ChatPiece[] {
  const pieces: ChatPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const start = match.index;
    const raw = match[0];
    const url = raw.replace(TRAILING, '');
    if (start > last) pieces.push({ kind: 'text', text: text.slice(last, start) });
    const href = url.toLowerCase().startsWith('www.') ? `https://${url}` : url;
    pieces.push({ kind: 'link', text: url, href });
    last = start + url.length;
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
}
