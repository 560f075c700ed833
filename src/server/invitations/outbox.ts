/**
 * The outbox table's operations. Rows are claimed with a lease so several workers (or nodes)
 * never send the same row at once, and a crashed worker's rows come back when the lease ends.
 *
 * Each claim carries a fresh token. The holder renews its lease while it works (`renew`), and
 * every write of an outcome (sent, retry later, failed, released) names the claim: a worker
 * that paused past its lease and lost the row to another worker finds its write ignored, so the
 * new holder's result stands.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import type { OutboxTable } from '../storage/schema.js';

export type OutboxRow = Selectable<OutboxTable>;

/** A row as claimed by this worker: `claim_token` is set and guards every write of its outcome. */
export type ClaimedRow = OutboxRow & { claim_token: string };

/** What names a claim: the row and the token its claim received. */
export type Claim = Pick<ClaimedRow, 'id' | 'claim_token'>;

/**
 * How long a claim lasts without renewal. The worker renews every third of it, so a live worker
 * keeps its rows however slow the relay, and a dead node's rows are sent by another node this
 * long after it died.
 */
export const DEFAULT_LEASE_MS = 30_000;

export interface OutboxStoreOptions {
  leaseMs: number;
}

export class OutboxStore {
  readonly leaseMs: number;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly dialect: 'sqlite' | 'postgres',
    options: OutboxStoreOptions = { leaseMs: DEFAULT_LEASE_MS },
  ) {
    this.leaseMs = options.leaseMs;
  }

  /** Takes up to `limit` due rows of one channel for this worker, counting the attempt. */
  async claimDue(channel: OutboxRow['channel'], limit: number): Promise<ClaimedRow[]> {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const token = randomUUID();
    let due = this.db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'queued')
      .where('channel', '=', channel)
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
      .orderBy('next_attempt_at')
      .limit(limit);
    // SQLite has one writer, so its UPDATE is already exclusive. On PostgreSQL a second worker
    // skips the rows this statement locks, and one that read a row before this claim committed
    // re-checks `locked_until` on the committed version when it locks it, and passes it by.
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await this.db
      .updateTable('outbox')
      .set((eb) => ({
        locked_until: this.leaseEnd(now),
        claim_token: token,
        attempts: eb('attempts', '+', 1),
        updated_at: nowIso,
      }))
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return rows.map((row) => ({ ...row, claim_token: token }));
  }

  /**
   * Extends the lease of the rows still held under these claims; answers the ids still held. A
   * row missing from the answer was finished or was taken over by another worker after its
   * lease ran out: it must not be sent from here.
   */
  async renew(claims: readonly Claim[]): Promise<Set<string>> {
    const held = new Set<string>();
    for (const [token, ids] of groupByToken(claims)) {
      const rows = await this.db
        .updateTable('outbox')
        .set({ locked_until: this.leaseEnd(this.clock.now()) })
        .where('id', 'in', ids)
        .where('claim_token', '=', token)
        .returning('id')
        .execute();
      for (const row of rows) held.add(row.id);
    }
    return held;
  }

  /** Answers false when the claim was lost: another worker holds the row and will finish it. */
  async markSent(claim: Claim): Promise<boolean> {
    const now = this.clock.now().toISOString();
    return this.finish(claim, {
      status: 'sent',
      sent_at: now,
      updated_at: now,
      last_error: null,
    });
  }

  async markFailed(claim: Claim, reason: string): Promise<boolean> {
    return this.finish(claim, {
      status: 'failed',
      last_error: reason,
      updated_at: this.clock.now().toISOString(),
    });
  }

  /** A reminder claimed too late to be worth sending (see the worker): done, never sent. */
  async markSkipped(claim: Claim, reason: string): Promise<boolean> {
    return this.finish(claim, {
      status: 'skipped',
      last_error: reason,
      updated_at: this.clock.now().toISOString(),
    });
  }

  /**
   * When the earliest queued row of a channel can next be claimed: its due time, or the end of
   * the lease that holds it. Undefined when none waits. The worker sleeps until then.
   */
  async nextDueAt(channel: OutboxRow['channel']): Promise<Date | undefined> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) =>
        eb.fn
          .min(
            eb
              .case()
              .when('locked_until', '>', eb.ref('next_attempt_at'))
              .then(eb.ref('locked_until'))
              .else(eb.ref('next_attempt_at'))
              .end(),
          )
          .as('due'),
      )
      .where('status', '=', 'queued')
      .where('channel', '=', channel)
      .executeTakeFirst();
    return row?.due ? new Date(row.due) : undefined;
  }

  async scheduleRetry(claim: Claim, at: Date, reason: string): Promise<boolean> {
    return this.finish(claim, {
      next_attempt_at: at.toISOString(),
      last_error: reason,
      updated_at: this.clock.now().toISOString(),
    });
  }

  /**
   * Puts failed rows (one, or all when `id` is omitted) back in the queue, due now, retried
   * until `giveUpAt`. Attempts and the last error stay until the next attempt overwrites them;
   * the row, and so its Message-ID, is the same. Answers the rows queued again.
   */
  async requeueFailed(giveUpAt: Date, id?: string): Promise<OutboxRow[]> {
    const now = this.clock.now().toISOString();
    let query = this.db
      .updateTable('outbox')
      .set({
        status: 'queued',
        next_attempt_at: now,
        give_up_at: giveUpAt.toISOString(),
        locked_until: null,
        claim_token: null,
        updated_at: now,
      })
      .where('status', '=', 'failed');
    if (id !== undefined) query = query.where('id', '=', id);
    return query.returningAll().execute();
  }

  /** Gives rows held under these claims back at once, unsent (graceful shutdown). */
  async release(claims: readonly Claim[]): Promise<void> {
    for (const [token, ids] of groupByToken(claims)) {
      await this.db
        .updateTable('outbox')
        .set({ locked_until: null, claim_token: null })
        .where('id', 'in', ids)
        .where('claim_token', '=', token)
        .where('status', '=', 'queued')
        .execute();
    }
  }

  /**
   * How many rows wait to be sent, and how long the oldest of them has waited (/metrics). A
   * reminder waits from its due time: before it, it is not late, only early.
   */
  async queue(): Promise<{ queued: number; oldestQueuedAgeMs: number }> {
    const nowIso = this.clock.now().toISOString();
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('queued'),
        eb.fn.min(eb.fn.coalesce('not_before', 'created_at')).as('oldest'),
      ])
      .where('status', '=', 'queued')
      .where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', nowIso)]))
      .executeTakeFirstOrThrow();
    const ageMs = row.oldest ? this.clock.now().getTime() - Date.parse(row.oldest) : 0;
    // PostgreSQL counts in bigint, which its driver hands over as a string.
    return { queued: Number(row.queued), oldestQueuedAgeMs: Math.max(0, ageMs) };
  }

  /** The newest row per recipient of a meeting: its current delivery state. */
  async latestPerRecipient(meetingId: string): Promise<OutboxRow[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      // The invitation's state: reminders are listed on the Outbox page; notices to the
      // organizer (someone answered) are about the meeting, not invitations of it.
      .where('kind', 'not in', ['reminder', 'answer'])
      .orderBy('created_at', 'desc')
      .orderBy('sequence', 'desc')
      .execute();
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.recipient_key) && seen.add(r.recipient_key));
  }

  async get(id: string): Promise<OutboxRow | undefined> {
    return this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async list(filter: {
    status?: OutboxRow['status'] | undefined;
    limit: number;
  }): Promise<OutboxRow[]> {
    let query = this.db
      .selectFrom('outbox')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(filter.limit);
    if (filter.status) query = query.where('status', '=', filter.status);
    return query.execute();
  }

  /** Writes an outcome and ends the claim, unless another claim has taken the row since. */
  private async finish(
    claim: Claim,
    outcome: Partial<Pick<OutboxRow, 'status' | 'sent_at' | 'next_attempt_at' | 'last_error'>> &
      Pick<OutboxRow, 'updated_at'>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('outbox')
      .set({ ...outcome, locked_until: null, claim_token: null })
      .where('id', '=', claim.id)
      .where('claim_token', '=', claim.claim_token)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  private leaseEnd(now: Date): string {
    return new Date(now.getTime() + this.leaseMs).toISOString();
  }
}

function groupByToken(claims: readonly Claim[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { id, claim_token } of claims) {
    const ids = groups.get(claim_token);
    if (ids) ids.push(id);
    else groups.set(claim_token, [id]);
  }
  return groups;
}
