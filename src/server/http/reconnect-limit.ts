/**
 * How often one guest (or one member session) may open the room socket on this node. A real
 * page opens it once, then again after a drop with backoff (1 s, 2 s, 4 s...) or once when a
 * node drains: a handful a minute. Each opening costs the node a lobby lookup, a join, a
 * snapshot and the chat history; a client opening it dozens of times a second delays everyone
 * else's messages (test/integration/fuzz-room-socket.test.ts measured chat p99 x4 at 50 a
 * second). A token bucket per credential: a burst for honest reconnects, then one per 2 s.
 * Kept in memory per node: it guards this node's CPU, not a secret, so Redis is not needed.
 */
const BURST = 6;
const REFILL_PER_SECOND = 0.5;
/** Buckets kept at most; past it, full ones (nobody reconnecting) are dropped first. */
const MAX_BUCKETS = 50_000;

interface Bucket {
  tokens: number;
  atMs: number;
}

export class ReconnectLimit {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** Takes one opening for `key`: 0 when allowed, else the ms until the next one is. */
  take(key: string): number {
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { tokens: BURST, atMs: now };
    bucket.tokens = Math.min(
      BURST,
      bucket.tokens + ((now - bucket.atMs) / 1000) * REFILL_PER_SECOND,
    );
    bucket.atMs = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return Math.ceil(((1 - bucket.tokens) / REFILL_PER_SECOND) * 1000);
    }
    bucket.tokens -= 1;
    if (!this.buckets.has(key) && this.buckets.size >= MAX_BUCKETS) this.forgetFull(now);
    this.buckets.set(key, bucket);
    return 0;
  }

  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const tokens = bucket.tokens + ((now - bucket.atMs) / 1000) * REFILL_PER_SECOND;
      if (tokens >= BURST) this.buckets.delete(key);
    }
    // Still full (a flood of fresh credentials): drop the oldest.
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < MAX_BUCKETS) break;
      this.buckets.delete(key);
    }
  }
}
