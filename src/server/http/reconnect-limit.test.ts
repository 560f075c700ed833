import { describe, expect, it } from 'vitest';
import { ReconnectLimit } from './reconnect-limit.js';

describe('ReconnectLimit', () => {
  it('lets an honest page reconnect a few times at once, then one every 2 s', () => {
    let now = 0;
    const limit = new ReconnectLimit(() => now);
    for (let i = 0; i < 6; i += 1) expect(limit.take('guest-a')).toBe(0);
    expect(limit.take('guest-a')).toBe(2000);
    now += 1000;
    expect(limit.take('guest-a')).toBe(1000);
    now += 1000;
    expect(limit.take('guest-a')).toBe(0);
    expect(limit.take('guest-a')).toBeGreaterThan(0);
  });

  it('counts each credential on its own', () => {
    const limit = new ReconnectLimit(() => 0);
    for (let i = 0; i < 6; i += 1) limit.take('guest-a');
    expect(limit.take('guest-a')).toBeGreaterThan(0);
    expect(limit.take('guest-b')).toBe(0);
  });

  it('refills to the burst after a quiet while, not beyond', () => {
    let now = 0;
    const limit = new ReconnectLimit(() => now);
    for (let i = 0; i < 6; i += 1) limit.take('guest-a');
    now += 60_000;
    for (let i = 0; i < 6; i += 1) expect(limit.take('guest-a')).toBe(0);
    expect(limit.take('guest-a')).toBeGreaterThan(0);
  });
});
