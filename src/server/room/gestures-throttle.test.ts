import { describe, expect, it } from 'vitest';
import { GesturesThrottle } from './gestures-throttle.js';

describe('GesturesThrottle', () => {
  it('lets a burst through, drops the rest, and lets more through as time passes', () => {
    let now = 0;
    const throttle = new GesturesThrottle<object>({ perSecond: 2, burst: 3 }, () => now);
    const page = {};
    const taken = Array.from({ length: 5 }, () => throttle.take(page));
    expect(taken).toEqual([true, true, true, false, false]);
    now = 500;
    expect(throttle.take(page)).toBe(true);
    expect(throttle.take(page)).toBe(false);
    expect(throttle.take({})).toBe(true);
  });
});
