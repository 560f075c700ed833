/**
 * Keeps one claimed batch's leases alive while the worker sends it, so the lease can be short
 * (a dead node's rows return within it) however long a slow relay takes over the batch.
 */
import type { Claim, OutboxStore } from './outbox.js';

export class LeaseKeeper {
  private readonly pending: Map<string, Claim>;
  private readonly lost = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<OutboxStore, 'renew' | 'leaseMs'>,
    claims: readonly Claim[],
    private readonly log: { warn(details: object, message: string): void },
  ) {
    this.pending = new Map(claims.map((claim) => [claim.id, claim]));
    // A third of the lease: one renewal may fail or run late and the lease still holds.
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(store.leaseMs / 3)));
  }

  /** False once the row's lease ran out and another worker took it: it is theirs to send. */
  holds(id: string): boolean {
    return !this.lost.has(id);
  }

  /** The row's outcome is written or it was given back: its lease needs no more renewal. */
  done(id: string): void {
    this.pending.delete(id);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }

  private tick(): void {
    // A renewal still waiting on a slow database is not doubled up.
    if (this.renewing || this.pending.size === 0) return;
    this.renewing = this.renew().finally(() => (this.renewing = undefined));
  }

  private async renew(): Promise<void> {
    const claims = [...this.pending.values()];
    try {
      const held = await this.store.renew(claims);
      for (const { id } of claims) {
        if (held.has(id) || !this.pending.has(id)) continue;
        this.lost.add(id);
        this.pending.delete(id);
      }
    } catch (err) {
      // The guarded writes keep the outcome right even if the lease lapses meanwhile.
      this.log.warn({ err, rows: claims.length }, 'outbox lease renewal failed');
    }
  }
}
