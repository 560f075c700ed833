/**
 * The cap on hand raises and reactions (GESTURE_LIMIT), per connection: a token bucket whose
 * overflow is dropped (`THROTTLED`) while the connection stays. The general frame cap
 * (RATE_LIMIT, room-connection.ts) cuts a socket only at flood rates far above this.
 */
import { GESTURE_LIMIT } from '../../shared/signaling.js';

export class GesturesThrottle<Key extends object> {
  private readonly buckets = new WeakMap<Key, { tokens: number; refilledAt: number }>();

  constructor(
    private readonly limit: { perSecond: number; burst: number } = GESTURE_LIMIT,
    // Real time: the cap is about how fast a page sends.
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one gesture for `key`: false when it must be dropped. */
  take(key: Key): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, refilledAt: now };
    const refill = ((now - bucket.refilledAt) / 1000) * this.limit.perSecond;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + refill);
    bucket.refilledAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
