/**
 * What hosts decide about a meeting and its guests, in the database so that every node serving
 * the room agrees (with several nodes, Redis carries only the news of a decision; the decision
 * itself is read from here): the waiting room and lock switches, an early end, the co-hosts,
 * and one admission row per guest identity (waiting, admitted, denied, left, removed).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import type { AdmissionState } from '../storage/schema.js';

export interface HostingOptions {
  waitingRoom: boolean;
  locked: boolean;
  /** A host ended the meeting for everyone; the link is closed from then on. */
  ended: boolean;
}

export interface Admission {
  waitingId: string;
  displayName: string;
  avatarUrl: string | null;
  state: AdmissionState;
  knockedAt: string;
  decidedBy: string | null;
}

const NONE: HostingOptions = { waitingRoom: false, locked: false, ended: false };

export class HostingStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async options(meetingId: string, executor: Db = this.db): Promise<HostingOptions> {
    const row = await executor
      .selectFrom('meeting_hosting')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();
    if (!row) return NONE;
    return { waitingRoom: row.waiting_room === 1, locked: row.locked === 1, ended: !!row.ended_at };
  }

  /** The waiting room of many meetings at once (meeting lists); absent ids are off. */
  async waitingRooms(meetingIds: string[], executor: Db = this.db): Promise<Set<string>> {
    if (meetingIds.length === 0) return new Set();
    const rows = await executor
      .selectFrom('meeting_hosting')
      .select('meeting_id')
      .where('meeting_id', 'in', meetingIds)
      .where('waiting_room', '=', 1)
      .execute();
    return new Set(rows.map((r) => r.meeting_id));
  }

  setWaitingRoom(meetingId: string, on: boolean, executor: Db = this.db): Promise<void> {
    return this.upsert(meetingId, { waiting_room: on ? 1 : 0 }, executor);
  }

  setLocked(meetingId: string, locked: boolean): Promise<void> {
    return this.upsert(meetingId, { locked: locked ? 1 : 0 });
  }

  end(meetingId: string): Promise<void> {
    return this.upsert(meetingId, { ended_at: this.clock.now().toISOString() });
  }

  async cohosts(meetingId: string, executor: Db = this.db): Promise<string[]> {
    const rows = await executor
      .selectFrom('meeting_cohosts')
      .select('user_id')
      .where('meeting_id', '=', meetingId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async isCohost(meetingId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('meeting_cohosts')
      .select('user_id')
      .where('meeting_id', '=', meetingId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Replaces the meeting's co-hosts; pass the transaction that changes the meeting. */
  async setCohosts(meetingId: string, userIds: string[], executor: Db = this.db): Promise<void> {
    await executor.deleteFrom('meeting_cohosts').where('meeting_id', '=', meetingId).execute();
    const unique = [...new Set(userIds)];
    if (unique.length === 0) return;
    await executor
      .insertInto('meeting_cohosts')
      .values(unique.map((user_id) => ({ meeting_id: meetingId, user_id })))
      .execute();
  }

  async admissionOf(meetingId: string, identity: string): Promise<Admission | undefined> {
    const row = await this.db
      .selectFrom('room_admissions')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .where('identity', '=', identity)
      .executeTakeFirst();
    return row && admission(row);
  }

  /**
   * A guest asks to come in: their row becomes `waiting` (kept id, so hosts see one entry per
   * guest however often they reconnect) unless a host already decided. Returns the row.
   */
  async knock(
    meetingId: string,
    identity: string,
    who: { displayName: string; avatarUrl: string | null },
  ): Promise<Admission> {
    const now = this.clock.now().toISOString();
    await this.db
      .insertInto('room_admissions')
      .values({
        id: randomBytes(16).toString('base64url'),
        meeting_id: meetingId,
        identity,
        display_name: who.displayName,
        avatar_url: who.avatarUrl,
        state: 'waiting',
        knocked_at: now,
        decided_by: null,
      })
      .onConflict((oc) => oc.columns(['meeting_id', 'identity']).doNothing())
      .execute();
    // Back after closing the waiting page: waiting again, under the same id.
    await this.db
      .updateTable('room_admissions')
      .set({ state: 'waiting', knocked_at: now })
      .where('meeting_id', '=', meetingId)
      .where('identity', '=', identity)
      .where('state', '=', 'left')
      .execute();
    const row = await this.admissionOf(meetingId, identity);
    if (!row) throw new Error('admission row vanished');
    return row;
  }

  /** Everyone waiting now, oldest knock first. */
  async waiting(meetingId: string): Promise<Admission[]> {
    const rows = await this.db
      .selectFrom('room_admissions')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .where('state', '=', 'waiting')
      .orderBy('knocked_at')
      .execute();
    return rows.map(admission);
  }

  /**
   * A host's decision on a waiting guest. Only a row still `waiting` changes (one statement, so
   * two hosts deciding at once, even on two nodes, cannot both win); undefined otherwise.
   */
  async decide(
    meetingId: string,
    waitingId: string,
    state: 'admitted' | 'denied',
    by: string,
  ): Promise<Admission | undefined> {
    const result = await this.db
      .updateTable('room_admissions')
      .set({ state, decided_by: by })
      .where('meeting_id', '=', meetingId)
      .where('id', '=', waitingId)
      .where('state', '=', 'waiting')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    const row = await this.db
      .selectFrom('room_admissions')
      .selectAll()
      .where('id', '=', waitingId)
      .executeTakeFirst();
    return row && admission(row);
  }

  /** A waiting guest closed the page: no longer in the hosts' list (back to waiting on return). */
  async stopWaiting(meetingId: string, waitingId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('room_admissions')
      .set({ state: 'left' })
      .where('meeting_id', '=', meetingId)
      .where('id', '=', waitingId)
      .where('state', '=', 'waiting')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Marks identities admitted (those already in the room when the waiting room is switched on,
   * so that a reload does not send them to wait) or removed by a host.
   */
  async settle(
    meetingId: string,
    people: Array<{ identity: string; displayName: string; avatarUrl: string | null }>,
    state: 'admitted' | 'removed',
    by: string,
  ): Promise<void> {
    const now = this.clock.now().toISOString();
    for (const person of people) {
      await this.db
        .insertInto('room_admissions')
        .values({
          id: randomBytes(16).toString('base64url'),
          meeting_id: meetingId,
          identity: person.identity,
          display_name: person.displayName,
          avatar_url: person.avatarUrl,
          state,
          knocked_at: now,
          decided_by: by,
        })
        .onConflict((oc) =>
          oc.columns(['meeting_id', 'identity']).doUpdateSet({ state, decided_by: by }),
        )
        .execute();
    }
  }

  /** A removed guest's session ends: opening the link again starts from the lobby. */
  async endGuestSession(meetingId: string, identity: string): Promise<void> {
    const tokenHash = /^guest:(.+)$/.exec(identity)?.[1];
    if (!tokenHash) return;
    await this.db
      .deleteFrom('guest_sessions')
      .where('meeting_id', '=', meetingId)
      .where('token_hash', '=', tokenHash)
      .execute();
  }

  private async upsert(
    meetingId: string,
    change: { waiting_room?: number; locked?: number; ended_at?: string },
    executor: Db = this.db,
  ): Promise<void> {
    await executor
      .insertInto('meeting_hosting')
      .values({ meeting_id: meetingId, waiting_room: 0, locked: 0, ended_at: null, ...change })
      .onConflict((oc) => oc.column('meeting_id').doUpdateSet(change))
      .execute();
  }
}

function admission(row: {
  id: string;
  display_name: string;
  avatar_url: string | null;
  state: AdmissionState;
  knocked_at: string;
  decided_by: string | null;
}): Admission {
  return {
    waitingId: row.id,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    state: row.state,
    knockedAt: row.knocked_at,
    decidedBy: row.decided_by,
  };
}
