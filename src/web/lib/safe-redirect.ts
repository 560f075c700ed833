/**
 * The path to return to after logging in, taken from `?next=`. Only same-site paths pass, so a
 * crafted login link cannot send someone to another site (open redirect).
 */
export function safeNextPath(next: string | null | undefined, fallback = '/meetings'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return fallback;
  }
  if (next === '/login' || next.startsWith('/login?')) return fallback;
  return next;
}
