/**
 * Meetings: scheduled (name, start, duration, time zone, invitees) or quick (instant). Only the
 * organizer changes a meeting; the organizer and member invitees can see it; anyone else is told
 * it does not exist, so ids cannot be probed.
 */
import type { Selectable } from 'kysely';
import type { CountryCode } from 'libphonenumber-js/max';
import type { JoinInfo, Meeting, Participant, ParticipantIssue } from '../../shared/api.js';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import type { MeetingsTable } from '../storage/schema.js';
import { newId, newToken } from '../tokens.js';
import type { MembersService, UserRow } from '../accounts/members.js';
import { resolveParticipants, type Resolved } from './participants.js';
import { isValidTimeZone } from './zones.js';

/** 128 bits: a join link is a bearer secret, long enough that guessing one is hopeless. */
const JOIN_TOKEN_BYTES = 16;
const QUICK_WINDOW_MINUTES = 24 * 60;
/** A start this far behind the clock still counts as "now" (form filled in at 10:00 for 10:00). */
const PAST_GRACE_MS = 5 * 60_000;

export interface MeetingInput {
  name: string;
  participants: string[];
  startsAt: string;
  durationMinutes: number;
  timeZone: string;
}

export interface MeetingsOptions {
  publicUrl: string;
  defaultPhoneRegion: CountryCode;
  defaultTimeZone: string;
}

type ParticipantRow = Participant & { userId: string | null };

export class MeetingsService {
  constructor(
    private readonly db: Db,
    private readonly members: MembersService,
    private readonly clock: Clock,
    private readonly options: MeetingsOptions,
  ) {}

  async checkParticipants(inputs: string[]): Promise<Resolved[]> {
    return resolveParticipants(inputs, this.options.defaultPhoneRegion, (names) =>
      this.members.findActiveByUsernames(names),
    );
  }

  async create(organizer: UserRow, input: MeetingInput): Promise<Meeting> {
    const startsAt = this.checkSchedule(input.startsAt, input.timeZone);
    const participants = await this.resolveOrThrow(input.participants);
    const now = this.clock.now().toISOString();
    const row: Omit<MeetingsTable, 'sequence'> = {
      id: newId(),
      organizer_id: organizer.id,
      kind: 'scheduled',
      name: input.name,
      status: 'scheduled',
      starts_at: startsAt.toISOString(),
      ends_at: addMinutes(startsAt, input.durationMinutes).toISOString(),
      duration_minutes: input.durationMinutes,
      time_zone: input.timeZone,
      join_token: newToken(JOIN_TOKEN_BYTES),
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('meetings').values(row).execute();
      await insertParticipants(tx, row.id, participants);
    });
    return this.get(organizer, row.id);
  }

  async createQuick(
    organizer: UserRow,
    input: { name?: string | undefined; timeZone?: string | undefined },
  ): Promise<Meeting> {
    const timeZone = input.timeZone ?? this.options.defaultTimeZone;
    if (!isValidTimeZone(timeZone)) throw new AppError('BAD_TIME_ZONE');
    const now = this.clock.now();
    const id = newId();
    await this.db
      .insertInto('meetings')
      .values({
        id,
        organizer_id: organizer.id,
        kind: 'quick',
        name: input.name ?? (organizer.language === 'es' ? 'Reunión rápida' : 'Quick conference'),
        status: 'scheduled',
        starts_at: now.toISOString(),
        ends_at: addMinutes(now, QUICK_WINDOW_MINUTES).toISOString(),
        duration_minutes: QUICK_WINDOW_MINUTES,
        time_zone: timeZone,
        join_token: newToken(JOIN_TOKEN_BYTES),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .execute();
    return this.get(organizer, id);
  }

  async list(viewer: UserRow, scope: 'upcoming' | 'past'): Promise<Meeting[]> {
    const now = this.clock.now().toISOString();
    const rows = await this.visibleTo(viewer)
      .where('meetings.ends_at', scope === 'upcoming' ? '>' : '<=', now)
      .orderBy('meetings.starts_at', scope === 'upcoming' ? 'asc' : 'desc')
      .limit(500)
      .execute();
    return this.present(viewer, rows);
  }

  async get(viewer: UserRow, id: string): Promise<Meeting> {
    const row = await this.visibleTo(viewer).where('meetings.id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('MEETING_NOT_FOUND');
    const [meeting] = await this.present(viewer, [row]);
    return meeting as Meeting;
  }

  async update(viewer: UserRow, id: string, change: Partial<MeetingInput>): Promise<Meeting> {
    const current = await this.ownMeeting(viewer, id);
    if (current.status === 'cancelled') throw new AppError('MEETING_CANCELLED');
    const timeZone = change.timeZone ?? current.time_zone;
    const startsAt =
      change.startsAt !== undefined || change.timeZone !== undefined
        ? this.checkSchedule(change.startsAt ?? current.starts_at, timeZone)
        : new Date(current.starts_at);
    const duration = change.durationMinutes ?? current.duration_minutes;
    const participants =
      change.participants === undefined
        ? undefined
        : await this.resolveOrThrow(change.participants);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('meetings')
        .set((eb) => ({
          name: change.name ?? current.name,
          starts_at: startsAt.toISOString(),
          ends_at: addMinutes(startsAt, duration).toISOString(),
          duration_minutes: duration,
          time_zone: timeZone,
          sequence: eb('sequence', '+', 1),
          updated_at: this.clock.now().toISOString(),
        }))
        .where('id', '=', id)
        .execute();
      if (participants) {
        await tx.deleteFrom('meeting_participants').where('meeting_id', '=', id).execute();
        await insertParticipants(tx, id, participants);
      }
    });
    return this.get(viewer, id);
  }

  /** Cancelling keeps the row (status `cancelled`) so links and invitees learn what happened. */
  async cancel(viewer: UserRow, id: string): Promise<Meeting> {
    const current = await this.ownMeeting(viewer, id);
    if (current.status !== 'cancelled') {
      await this.db
        .updateTable('meetings')
        .set((eb) => ({
          status: 'cancelled',
          sequence: eb('sequence', '+', 1),
          updated_at: this.clock.now().toISOString(),
        }))
        .where('id', '=', id)
        .execute();
    }
    return this.get(viewer, id);
  }

  /** What a lobby may know from a join token alone: nothing about invitees or the token itself. */
  async joinInfo(token: string): Promise<JoinInfo> {
    const row = await this.db
      .selectFrom('meetings')
      .innerJoin('users', 'users.id', 'meetings.organizer_id')
      .select([
        'meetings.name',
        'meetings.kind',
        'meetings.starts_at',
        'meetings.duration_minutes',
        'meetings.time_zone',
        'meetings.status',
        'users.display_name',
      ])
      .where('meetings.join_token', '=', token)
      .executeTakeFirst();
    if (!row) throw new AppError('MEETING_NOT_FOUND');
    return {
      name: row.name,
      kind: row.kind,
      organizer: { displayName: row.display_name },
      startsAt: row.starts_at,
      durationMinutes: row.duration_minutes,
      timeZone: row.time_zone,
      status: row.status,
      passwordRequired: false,
    };
  }

  private checkSchedule(startsAtIso: string, timeZone: string): Date {
    if (!isValidTimeZone(timeZone)) throw new AppError('BAD_TIME_ZONE');
    const startsAt = new Date(startsAtIso);
    if (startsAt.getTime() < this.clock.now().getTime() - PAST_GRACE_MS) {
      throw new AppError('START_IN_PAST');
    }
    return startsAt;
  }

  private async resolveOrThrow(inputs: string[]): Promise<ParticipantRow[]> {
    const results = await this.checkParticipants(inputs);
    const issues: ParticipantIssue[] = results.flatMap((r) => (r.ok ? [] : [r.issue]));
    if (issues.length > 0) {
      throw new AppError('INVALID_PARTICIPANTS', { details: { participants: issues } });
    }
    return results.flatMap((r) => (r.ok ? [r.participant] : []));
  }

  private async ownMeeting(viewer: UserRow, id: string) {
    const row = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row?.organizer_id === viewer.id) return row;
    // Invitees may see the meeting but not change it; others must not learn it exists.
    if (row && (await this.isInvited(viewer.id, id))) throw new AppError('FORBIDDEN');
    throw new AppError('MEETING_NOT_FOUND');
  }

  private async isInvited(userId: string, meetingId: string): Promise<boolean> {
    const hit = await this.db
      .selectFrom('meeting_participants')
      .select('meeting_id')
      .where('meeting_id', '=', meetingId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return hit !== undefined;
  }

  private visibleTo(viewer: UserRow) {
    return this.db
      .selectFrom('meetings')
      .innerJoin('users as organizer', 'organizer.id', 'meetings.organizer_id')
      .selectAll('meetings')
      .select('organizer.display_name as organizer_name')
      .where((eb) =>
        eb.or([
          eb('meetings.organizer_id', '=', viewer.id),
          eb(
            'meetings.id',
            'in',
            eb
              .selectFrom('meeting_participants')
              .select('meeting_participants.meeting_id')
              .where('meeting_participants.user_id', '=', viewer.id),
          ),
        ]),
      );
  }

  private async present(
    viewer: UserRow,
    rows: Array<Selectable<MeetingsTable> & { organizer_name: string }>,
  ): Promise<Meeting[]> {
    const ids = rows.map((r) => r.id);
    const participantRows =
      ids.length === 0
        ? []
        : await this.db
            .selectFrom('meeting_participants as p')
            .leftJoin('users as u', 'u.id', 'p.user_id')
            .select(['p.meeting_id', 'p.kind', 'p.address', 'u.display_name'])
            .where('p.meeting_id', 'in', ids)
            .orderBy('p.meeting_id')
            .orderBy('p.position')
            .execute();
    const byMeeting = new Map<string, Participant[]>();
    for (const p of participantRows) {
      const list = byMeeting.get(p.meeting_id) ?? [];
      list.push({ kind: p.kind, address: p.address, displayName: p.display_name ?? null });
      byMeeting.set(p.meeting_id, list);
    }
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      status: r.status,
      startsAt: r.starts_at,
      durationMinutes: r.duration_minutes,
      timeZone: r.time_zone,
      joinUrl: `${this.options.publicUrl}/m/${r.join_token}`,
      organizer: { id: r.organizer_id, displayName: r.organizer_name },
      isOrganizer: r.organizer_id === viewer.id,
      participants: byMeeting.get(r.id) ?? [],
      createdAt: r.created_at,
    }));
  }
}

async function insertParticipants(tx: Db, meetingId: string, participants: ParticipantRow[]) {
  if (participants.length === 0) return;
  await tx
    .insertInto('meeting_participants')
    .values(
      participants.map((p, position) => ({
        meeting_id: meetingId,
        position,
        kind: p.kind,
        address: p.address,
        user_id: p.userId,
      })),
    )
    .execute();
}

function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000);
}
