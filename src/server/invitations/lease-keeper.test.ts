import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaseKeeper } from './lease-keeper.js';
import type { Claim } from './outbox.js';

const claims: Claim[] = [
  { id: 'a', claim_token: 't1' },
  { id: 'b', claim_token: 't1' },
];

function storeHolding(held: (claims: readonly Claim[]) => string[]) {
  const calls: string[][] = [];
  return {
    calls,
    leaseMs: 300,
    async renew(given: readonly Claim[]) {
      calls.push(given.map((c) => c.id));
      return new Set(held(given));
    },
  };
}

describe('LeaseKeeper', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('renews the rows still in hand every third of the lease', async () => {
    const store = storeHolding((given) => given.map((c) => c.id));
    const keeper = new LeaseKeeper(store, claims, { warn() {} });
    await vi.advanceTimersByTimeAsync(99);
    expect(store.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    keeper.done('a');
    await vi.advanceTimersByTimeAsync(100);
    keeper.done('b');
    await vi.advanceTimersByTimeAsync(300);
    await keeper.stop();
    expect(store.calls).toEqual([['a', 'b'], ['b']]);
    expect(keeper.holds('a') && keeper.holds('b')).toBe(true);
  });

  it('stops holding a row whose renewal found it taken over', async () => {
    const store = storeHolding(() => ['a']);
    const keeper = new LeaseKeeper(store, claims, { warn() {} });
    await vi.advanceTimersByTimeAsync(100);
    expect(keeper.holds('a')).toBe(true);
    expect(keeper.holds('b')).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    await keeper.stop();
    expect(store.calls).toEqual([['a', 'b'], ['a']]);
  });

  it('keeps holding its rows when a renewal fails, and says so', async () => {
    const warnings: string[] = [];
    const store = {
      leaseMs: 300,
      renew: () => Promise.reject(new Error('connection refused')),
    };
    const keeper = new LeaseKeeper(store, claims, {
      warn: (_details, message) => void warnings.push(message),
    });
    await vi.advanceTimersByTimeAsync(100);
    await keeper.stop();
    expect(keeper.holds('a') && keeper.holds('b')).toBe(true);
    expect(warnings).toEqual(['outbox lease renewal failed']);
  });
});
