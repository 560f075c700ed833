import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_MS, parseRetryAfter, retryDelayMs, secondsLeft } from './retry-countdown.js';

describe('parseRetryAfter', () => {
  it('reads seconds', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(' 0 ', 0)).toBe(0);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:10 GMT', now)).toBe(10_000);
  });

  it('gives null for a missing or unreadable header', () => {
    expect(parseRetryAfter(null, 0)).toBeNull();
    expect(parseRetryAfter('later', 0)).toBeNull();
  });
});

describe('retryDelayMs', () => {
  it('prefers the exact delay in the error details', () => {
    expect(retryDelayMs({ retryAfterMs: 2500 }, 3000)).toBe(2500);
  });

  it('falls back to the header, then to a default', () => {
    expect(retryDelayMs({}, 3000)).toBe(3000);
    expect(retryDelayMs(undefined, null)).toBe(DEFAULT_RETRY_MS);
  });

  it('never waits a negative or endless time', () => {
    expect(retryDelayMs({ retryAfterMs: -5 }, null)).toBe(0);
    expect(retryDelayMs({ retryAfterMs: 1e12 }, null)).toBe(3_600_000);
  });
});

describe('secondsLeft', () => {
  it('rounds up and stops at zero', () => {
    expect(secondsLeft(3000, 0)).toBe(3);
    expect(secondsLeft(3000, 2001)).toBe(1);
    expect(secondsLeft(3000, 3000)).toBe(0);
    expect(secondsLeft(3000, 9000)).toBe(0);
  });
});
