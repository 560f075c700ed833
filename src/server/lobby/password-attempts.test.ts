import { describe, expect, it } from 'vitest';
import { delayAfter, PasswordAttempts, sourceOf } from './password-attempts.js';

class ManualClock {
  ms = Date.parse('2030-01-01T00:00:00Z');
  now() {
    return new Date(this.ms);
  }
}

describe('delayAfter', () => {
  it.each([
    [1, 0],
    [4, 0],
    [5, 100],
    [6, 200],
    [7, 400],
    [13, 25_600],
    [14, 30_000],
    [40, 30_000],
  ])('after %i wrong answers waits %i ms', (failures, ms) => {
    expect(delayAfter(failures)).toBe(ms);
  });
});

describe('PasswordAttempts', () => {
  it('lets five wrong answers through at once, then spaces them out, and a right one resets', () => {
    const clock = new ManualClock();
    const attempts = new PasswordAttempts(clock);
    for (let i = 0; i < 4; i += 1) {
      attempts.recordFailure('m1', '203.0.113.9');
      expect(attempts.waitMs('m1', '203.0.113.9')).toBe(0);
    }
    attempts.recordFailure('m1', '203.0.113.9');
    expect(attempts.waitMs('m1', '203.0.113.9')).toBe(100);
    clock.ms += 100;
    expect(attempts.waitMs('m1', '203.0.113.9')).toBe(0);
    attempts.recordFailure('m1', '203.0.113.9');
    expect(attempts.waitMs('m1', '203.0.113.9')).toBe(200);
    attempts.recordSuccess('m1', '203.0.113.9');
    expect(attempts.waitMs('m1', '203.0.113.9')).toBe(0);
  });

  it('keeps meetings and sources apart', () => {
    const attempts = new PasswordAttempts(new ManualClock());
    for (let i = 0; i < 6; i += 1) attempts.recordFailure('m1', '203.0.113.9');
    expect(attempts.waitMs('m1', '203.0.113.9')).toBeGreaterThan(0);
    expect(attempts.waitMs('m2', '203.0.113.9')).toBe(0);
    expect(attempts.waitMs('m1', '198.51.100.7')).toBe(0);
  });
});

describe('sourceOf', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s counts as %s', (ip, source) => {
    expect(sourceOf(ip)).toBe(source);
  });
});
