/**
 * The outbox table's operations. Rows are claimed with a lease so several workers (or nodes)
 * never send the same row at once, and a crashed worker's rows come back when the lease ends.
 */
import type { Selectable } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import type { OutboxTable } from '../storage/schema.js';

export type OutboxRow = Selectable<OutboxTable>;

/** Longest a send may take before another worker may try the row again. */
const LEASE_MS = 2 * 60_000;

export class OutboxStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly dialect: 'sqlite' | 'postgres',
  ) {}

  /** Takes up to `limit` due rows of one channel for this worker, counting the attempt. */
  async claimDue(channel: OutboxRow['channel'], limit: number): Promise<OutboxRow[]> {
    const now = this.clock.now();
    const nowIso = now.toISOString();
    let due = this.db
      .selectFrom('outbox')
      .select('id')
      .where('status', '=', 'queued')
      .where('channel', '=', channel)
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
      .orderBy('next_attempt_at')
      .limit(limit);
    // SQLite has one writer, so its UPDATE is already exclusive; PostgreSQL needs row locks.
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    return this.db
      .updateTable('outbox')
      .set((eb) => ({
        locked_until: new Date(now.getTime() + LEASE_MS).toISOString(),
        attempts: eb('attempts', '+', 1),
        updated_at: nowIso,
      }))
      .where('id', 'in', due)
      .returningAll()
      .execute();
  }

  async markSent(id: string): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.db
      .updateTable('outbox')
      .set({ status: 'sent', sent_at: now, updated_at: now, locked_until: null, last_error: null })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: string, reason: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: 'failed',
        last_error: reason,
        updated_at: this.clock.now().toISOString(),
        locked_until: null,
      })
      .where('id', '=', id)
      .execute();
  }

  async scheduleRetry(id: string, at: Date, reason: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        next_attempt_at: at.toISOString(),
        last_error: reason,
        updated_at: this.clock.now().toISOString(),
        locked_until: null,
      })
      .where('id', '=', id)
      .execute();
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
        updated_at: now,
      })
      .where('status', '=', 'failed');
    if (id !== undefined) query = query.where('id', '=', id);
    return query.returningAll().execute();
  }

  /** Gives rows held by this process back at once (graceful shutdown). */
  async release(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('outbox')
      .set({ locked_until: null })
      .where('id', 'in', ids)
      .where('status', '=', 'queued')
      .execute();
  }

  /** How many rows wait to be sent, and how long the oldest of them has waited (/metrics). */
  async queue(): Promise<{ queued: number; oldestQueuedAgeMs: number }> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('queued'),
        eb.fn.min('created_at').as('oldest'),
      ])
      .where('status', '=', 'queued')
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
}
