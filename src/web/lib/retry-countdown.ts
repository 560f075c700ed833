/** How long to wait after a 429 before trying again; never forever. */

/** A `Retry-After` header (seconds or an HTTP date) in milliseconds, or null when unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** Used when the server names no delay: long enough not to hammer it, short enough to retry. */
export const DEFAULT_RETRY_MS = 5000;
/** A longer wait is surely a mistake; the guest must always get to try again. */
const MAX_RETRY_MS = 60 * 60_000;

/**
 * The wait for a TOO_MANY_ATTEMPTS answer: `details.retryAfterMs` (exact) first, then the
 * Retry-After header, then DEFAULT_RETRY_MS.
 */
export function retryDelayMs(details: unknown, headerMs: number | null | undefined): number {
  const fromBody = (details as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  const delay =
    typeof fromBody === 'number' && Number.isFinite(fromBody)
      ? fromBody
      : (headerMs ?? DEFAULT_RETRY_MS);
  return Math.min(Math.max(0, delay), MAX_RETRY_MS);
}

/** Whole seconds left until `untilMs`, rounded up, so "1 s" shows until the very end. */
export function secondsLeft(untilMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((untilMs - nowMs) / 1000));
}
