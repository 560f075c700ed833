/**
 * The audit log: who did what, when and from where. Admin actions, logins, own password
 * changes and settings changes are single rows; wrong meeting passwords are aggregated into one
 * row per meeting, source and hour whose count goes up, so a guessing bot cannot flood the log.
 *
 * Sources are stored as plain IP addresses, not hashes: an admin reading about a password burst
 * needs an address to block or report, and an unsalted hash of an IPv4 address is reversed by
 * trying all 2^32 of them, so hashing would only pretend to protect it. Retention
 * (AUDIT_RETENTION_DAYS) is what bounds how long addresses are kept.
 *
 * Most entries are written by the HTTP routes, which know the request's actor and address;
 * services that can write the entry in the same transaction as the change (settings) do so.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { AuditAction, AuditEntry, AuditList } from '../../shared/api.js';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import type { AuditLogTable } from '../storage/schema.js';

/** Who acted: a member, or nobody known (id null, label '' or what they typed). */
export interface AuditActor {
  id: string | null;
  /** The member's email at the time. */
  label: string;
  /** The request's IP address; null when not from a request. */
  source: string | null;
}

export interface AuditTarget {
  kind: 'member' | 'meeting' | 'outbox';
  id: string;
  /** What a person recognises: an email, a meeting name, a recipient. */
  label: string;
}

export interface AuditEvent {
  action: AuditAction;
  target?: AuditTarget | null;
  /** Small JSON facts; never secrets (passwords are recorded as "changed", not as values). */
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  action?: AuditAction | undefined;
  /** Part of the actor's email, in any case. */
  actor?: string | undefined;
  /** ISO instant: rows with activity at or after it. */
  since?: string | undefined;
}

export interface AuditOptions {
  /** Rows whose last activity is older than this are purged. */
  retentionMs: number;
  /** Wrong meeting passwords from one source fall in one row per window of this length. */
  burstWindowMs: number;
}

export const DEFAULT_BURST_WINDOW_MS = 60 * 60_000;

export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: AuditOptions,
  ) {}

  /** Writes one entry; pass the transaction to commit it together with the change it records. */
  async record(actor: AuditActor, event: AuditEvent, executor: Db = this.db): Promise<void> {
    const now = this.clock.now().toISOString();
    await executor
      .insertInto('audit_log')
      .values({
        id: sortableId(),
        at: now,
        last_at: now,
        actor_id: actor.id,
        actor_label: actor.label,
        action: event.action,
        target_kind: event.target?.kind ?? null,
        target_id: event.target?.id ?? null,
        target_label: event.target?.label ?? null,
        details: JSON.stringify(event.details ?? {}),
        source: actor.source,
        burst_key: null,
      })
      .execute();
  }

  /**
   * One more wrong password for a meeting from a source (an IPv4 address or IPv6 /64): adds to
   * the row of this meeting, source and window, creating it on the first. One statement
   * (INSERT ... ON CONFLICT), so concurrent answers, even on several app nodes, share one row.
   */
  async recordWrongPassword(meeting: { id: string; name: string }, source: string): Promise<void> {
    const now = this.clock.now();
    const windowMs = this.options.burstWindowMs;
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs).toISOString();
    const at = now.toISOString();
    await this.db
      .insertInto('audit_log')
      .values({
        id: sortableId(),
        at,
        last_at: at,
        count: 1,
        actor_id: null,
        actor_label: '',
        action: 'lobby.password_wrong',
        target_kind: 'meeting',
        target_id: meeting.id,
        target_label: meeting.name,
        details: JSON.stringify({ windowStart }),
        source,
        burst_key: `lobby.password_wrong ${meeting.id} ${source} ${windowStart}`,
      })
      .onConflict((oc) =>
        oc.column('burst_key').doUpdateSet((eb) => ({
          count: eb('audit_log.count', '+', 1),
          last_at: eb.ref('excluded.last_at'),
        })),
      )
      .execute();
  }

  /** Newest first (by first occurrence), a page at a time. */
  async list(filter: AuditFilter, page: { page: number; pageSize: number }): Promise<AuditList> {
    let query = this.db.selectFrom('audit_log').selectAll();
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.actor) {
      const pattern = `%${escapeLike(filter.actor.toLowerCase())}%`;
      // Explicit ESCAPE: SQLite has no default escape character, PostgreSQL's is the same one.
      query = query.where(sql<boolean>`lower(actor_label) like ${pattern} escape '\\'`);
    }
    if (filter.since) query = query.where('last_at', '>=', new Date(filter.since).toISOString());
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.pageSize + 1)
      .offset((page.page - 1) * page.pageSize)
      .execute();
    return {
      entries: rows.slice(0, page.pageSize).map(toEntry),
      page: page.page,
      pageSize: page.pageSize,
      hasMore: rows.length > page.pageSize,
    };
  }

  /** Deletes entries whose last activity is older than the retention; answers how many. */
  async purgeExpired(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.options.retentionMs).toISOString();
    const result = await this.db
      .deleteFrom('audit_log')
      .where('last_at', '<', cutoff)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

let idCounter = 0;

/**
 * Ids that sort in the order they were made (time, then a counter): entries written in the same
 * millisecond, such as a role change and an enable from one request, keep their order.
 */
function sortableId(): string {
  idCounter = (idCounter + 1) % 36 ** 4;
  return [
    Date.now().toString(36).padStart(9, '0'),
    idCounter.toString(36).padStart(4, '0'),
    randomBytes(6).toString('hex'),
  ].join('-');
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    lastAt: row.last_at,
    count: Number(row.count),
    actor: { id: row.actor_id, label: row.actor_label },
    action: row.action as AuditAction,
    target:
      row.target_kind && row.target_id
        ? { kind: row.target_kind, id: row.target_id, label: row.target_label ?? '' }
        : null,
    details: JSON.parse(row.details) as Record<string, unknown>,
    source: row.source,
  };
}
