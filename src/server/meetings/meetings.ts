/**
 * Meetings: scheduled (name, start, duration, time zone, invitees) or quick (instant). Only the
 * organizer changes a meeting; the organizer, member invitees and admins can see it; anyone else
 * is told it does not exist, so ids cannot be probed.
 */
import type { Selectable } from 'kysely';
import type { CountryCode } from 'libphonenumber-js/max';
import type {
  AdminMeetingsFilter,
  Delivery,
  Meeting,
  Invitee,
  InviteeIssue,
} from '../../shared/api.js';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import type { MeetingsTable } from '../storage/schema.js';
import { newId, newToken } from '../tokens.js';
import type { MembersService, UserRow } from '../accounts/members.js';
import type {
  InvitationsService,
  MeetingVersion,
  ParticipantRef,
} from '../invitations/invitations.js';
import { toDelivery } from '../invitations/views.js';
import { choosePassword, type PasswordChoice } from './meeting-password.js';
import { meetingsQuery, meetingsVisibleTo, presentMeetings } from './meeting-views.js';
import { resolveParticipants, type Resolved } from './participants.js';
import { canonicalTimeZone } from './zones.js';
import type { HostingStore } from '../hosting/hosting-store.js';

/** 128 bits: a join link is a bearer secret, long enough that guessing one is hopeless. */
const JOIN_TOKEN_BYTES = 16;
const QUICK_WINDOW_MINUTES = 24 * 60;
/** The admin list shows at most this many meetings, searched among the newest/soonest scanned. */
const ADMIN_LIST_MAX = 500;
const ADMIN_LIST_SCAN = 5_000;
/** A start this far behind the clock still counts as "now" (form filled in at 10:00 for 10:00). */
const PAST_GRACE_MS = 5 * 60_000;

/** Hosts in control: the waiting room switch and the co-hosts' user names. */
export interface HostingChoice {
  waitingRoom?: boolean | undefined;
  cohosts?: string[] | undefined;
}

export interface MeetingInput extends PasswordChoice, HostingChoice {
  name: string;
  participants: string[];
  startsAt: string;
  durationMinutes: number;
  timeZone: string;
}

/** What admins may change at run time (Settings): read afresh on every use. */
export interface MeetingPolicy {
  /** Digits in a generated meeting password. */
  passwordLength: number;
  defaultPhoneRegion: CountryCode;
  /** Whether a meeting created without saying has a waiting room. */
  waitingRoomDefault: boolean;
}

export interface MeetingsOptions {
  publicUrl: string;
  defaultTimeZone: string;
  policy: () => Promise<MeetingPolicy>;
}

type ParticipantRow = Invitee & { userId: string | null };

export class MeetingsService {
  constructor(
    private readonly db: Db,
    private readonly members: MembersService,
    private readonly invitations: InvitationsService,
    private readonly clock: Clock,
    private readonly options: MeetingsOptions,
    private readonly hosting: HostingStore,
  ) {}

  async checkParticipants(inputs: string[]): Promise<Resolved[]> {
    const { defaultPhoneRegion } = await this.options.policy();
    return resolveParticipants(inputs, defaultPhoneRegion, (names) =>
      this.members.findActiveByUsernames(names),
    );
  }

  async create(organizer: UserRow, input: MeetingInput): Promise<Meeting> {
    const { passwordLength, waitingRoomDefault } = await this.options.policy();
    const cohosts = await this.cohostIds(input.cohosts);
    const password = choosePassword(organizer, input, passwordLength) ?? null;
    const timeZone = zoneOrThrow(input.timeZone);
    const startsAt = this.checkStart(input.startsAt);
    const participants = await this.resolveOrThrow(input.participants);
    const now = this.clock.now().toISOString();
    const row: Selectable<MeetingsTable> = {
      id: newId(),
      organizer_id: organizer.id,
      kind: 'scheduled',
      name: input.name,
      status: 'scheduled',
      starts_at: startsAt.toISOString(),
      ends_at: addMinutes(startsAt, input.durationMinutes).toISOString(),
      duration_minutes: input.durationMinutes,
      time_zone: timeZone,
      join_token: newToken(JOIN_TOKEN_BYTES),
      sequence: 0,
      password,
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('meetings').values(row).execute();
      await insertParticipants(tx, row.id, participants);
      await this.hosting.setWaitingRoom(row.id, input.waitingRoom ?? waitingRoomDefault, tx);
      if (cohosts) await this.hosting.setCohosts(row.id, cohosts, tx);
      await this.invitations.recordChange(tx, organizer, null, {
        meeting: row,
        participants,
      });
    });
    this.invitations.notifyQueued();
    return this.get(organizer, row.id);
  }

  async createQuick(
    organizer: UserRow,
    input: { name?: string | undefined; timeZone?: string | undefined } & PasswordChoice &
      HostingChoice,
  ): Promise<Meeting> {
    const { passwordLength, waitingRoomDefault } = await this.options.policy();
    const cohosts = await this.cohostIds(input.cohosts);
    const password = choosePassword(organizer, input, passwordLength) ?? null;
    const timeZone = zoneOrThrow(input.timeZone ?? this.options.defaultTimeZone);
    const now = this.clock.now();
    const id = newId();
    await this.db.transaction().execute(async (tx) => {
      await tx
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
          password,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        })
        .execute();
      await this.hosting.setWaitingRoom(id, input.waitingRoom ?? waitingRoomDefault, tx);
      if (cohosts) await this.hosting.setCohosts(id, cohosts, tx);
    });
    return this.get(organizer, id);
  }

  async list(viewer: UserRow, scope: 'upcoming' | 'past'): Promise<Meeting[]> {
    const now = this.clock.now().toISOString();
    const rows = await meetingsVisibleTo(this.db, viewer.id)
      .where('meetings.ends_at', scope === 'upcoming' ? '>' : '<=', now)
      .orderBy('meetings.starts_at', scope === 'upcoming' ? 'asc' : 'desc')
      .limit(500)
      .execute();
    return presentMeetings(this.db, this.options.publicUrl, viewer, rows);
  }

  /**
   * Admins: every meeting of the organization by one filter. The text search runs here, not in
   * SQL, because SQLite's lower() only folds ASCII and names like "Reunión" must match too.
   */
  async listAll(viewer: UserRow, filter: AdminMeetingsFilter, q?: string): Promise<Meeting[]> {
    if (viewer.role !== 'admin') throw new AppError('ADMIN_ONLY');
    const now = this.clock.now().toISOString();
    let query = meetingsQuery(this.db);
    if (filter === 'upcoming') {
      query = query
        .where('meetings.status', '=', 'scheduled')
        .where('meetings.ends_at', '>', now)
        .orderBy('meetings.starts_at', 'asc');
    } else if (filter === 'past') {
      query = query
        .where('meetings.status', '=', 'scheduled')
        .where('meetings.ends_at', '<=', now)
        .orderBy('meetings.starts_at', 'desc');
    } else if (filter === 'cancelled') {
      query = query
        .where('meetings.status', '=', 'cancelled')
        .orderBy('meetings.starts_at', 'desc');
    } else {
      query = query
        .where('meetings.status', '=', 'scheduled')
        .where('meetings.password', 'is not', null)
        .orderBy('meetings.starts_at', 'asc');
    }
    const needle = q?.toLocaleLowerCase();
    const rows = (await query.limit(ADMIN_LIST_SCAN).execute()).filter(
      (r) =>
        !needle ||
        r.name.toLocaleLowerCase().includes(needle) ||
        r.organizer_name.toLocaleLowerCase().includes(needle),
    );
    return presentMeetings(this.db, this.options.publicUrl, viewer, rows.slice(0, ADMIN_LIST_MAX));
  }

  /** Members see the meetings they organize or are invited to; admins may open any. */
  async get(viewer: UserRow, id: string): Promise<Meeting> {
    const visible =
      viewer.role === 'admin' ? meetingsQuery(this.db) : meetingsVisibleTo(this.db, viewer.id);
    const row = await visible.where('meetings.id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('MEETING_NOT_FOUND');
    const [meeting] = await presentMeetings(this.db, this.options.publicUrl, viewer, [row]);
    return meeting as Meeting;
  }

  async update(viewer: UserRow, id: string, change: Partial<MeetingInput>): Promise<Meeting> {
    const current = await this.ownMeeting(viewer, id);
    if (current.status === 'cancelled') throw new AppError('MEETING_CANCELLED');
    const cohosts = await this.cohostIds(change.cohosts);
    const setHosting = async (tx: Db) => {
      if (change.waitingRoom !== undefined) {
        await this.hosting.setWaitingRoom(id, change.waitingRoom, tx);
      }
      if (cohosts) await this.hosting.setCohosts(id, cohosts, tx);
    };
    // Switching the waiting room or naming co-hosts changes nothing invitees must hear about.
    if (Object.keys(change).every((key) => key === 'waitingRoom' || key === 'cohosts')) {
      await this.db.transaction().execute(setHosting);
      return this.get(viewer, id);
    }
    const { passwordLength } = await this.options.policy();
    const password = choosePassword(viewer, change, passwordLength);
    const timeZone =
      change.timeZone === undefined ? current.time_zone : zoneOrThrow(change.timeZone);
    const startsAt =
      change.startsAt === undefined
        ? new Date(current.starts_at)
        : this.checkStart(change.startsAt);
    const duration = change.durationMinutes ?? current.duration_minutes;
    const participants =
      change.participants === undefined
        ? undefined
        : await this.resolveOrThrow(change.participants);
    await this.db.transaction().execute(async (tx) => {
      const before = await loadVersion(tx, id);
      const next = {
        ...before.meeting,
        name: change.name ?? current.name,
        starts_at: startsAt.toISOString(),
        ends_at: addMinutes(startsAt, duration).toISOString(),
        duration_minutes: duration,
        time_zone: timeZone,
        // A new password replaces the old one at once; guests already in stay (no re-check).
        password: password === undefined ? before.meeting.password : password,
        sequence: before.meeting.sequence + 1,
        updated_at: this.clock.now().toISOString(),
      };
      await tx.updateTable('meetings').set(next).where('id', '=', id).execute();
      await setHosting(tx);
      if (participants) {
        await tx.deleteFrom('meeting_participants').where('meeting_id', '=', id).execute();
        await insertParticipants(tx, id, participants);
      }
      await this.invitations.recordChange(tx, viewer, before, {
        meeting: next,
        participants: participants ?? before.participants,
      });
    });
    this.invitations.notifyQueued();
    return this.get(viewer, id);
  }

  /** Cancelling keeps the row (status `cancelled`) so links and invitees learn what happened. */
  async cancel(viewer: UserRow, id: string): Promise<Meeting> {
    const current = await this.ownMeeting(viewer, id);
    if (current.status !== 'cancelled') {
      await this.db.transaction().execute(async (tx) => {
        const before = await loadVersion(tx, id);
        const next = {
          ...before.meeting,
          status: 'cancelled' as const,
          sequence: before.meeting.sequence + 1,
          updated_at: this.clock.now().toISOString(),
        };
        await tx.updateTable('meetings').set(next).where('id', '=', id).execute();
        await this.invitations.recordChange(tx, viewer, before, {
          meeting: next,
          participants: before.participants,
        });
      });
      this.invitations.notifyQueued();
    }
    return this.get(viewer, id);
  }

  /** The current delivery state of each participant's invitation (organizer only). */
  async deliveries(viewer: UserRow, id: string): Promise<Delivery[]> {
    await this.ownMeeting(viewer, id);
    return (await this.invitations.latestDeliveries(id)).map(toDelivery);
  }

  /** Sends the current invitation (or cancellation) to one participant again. */
  async resend(viewer: UserRow, id: string, deliveryId: string): Promise<Delivery[]> {
    await this.ownMeeting(viewer, id);
    await this.db.transaction().execute(async (tx) => {
      await this.invitations.resend(tx, viewer, await loadVersion(tx, id), deliveryId);
    });
    this.invitations.notifyQueued();
    return this.deliveries(viewer, id);
  }

  private checkStart(startsAtIso: string): Date {
    const startsAt = new Date(startsAtIso);
    if (startsAt.getTime() < this.clock.now().getTime() - PAST_GRACE_MS) {
      throw new AppError('START_IN_PAST');
    }
    return startsAt;
  }

  private async resolveOrThrow(inputs: string[]): Promise<ParticipantRow[]> {
    const results = await this.checkParticipants(inputs);
    const issues: InviteeIssue[] = results.flatMap((r) => (r.ok ? [] : [r.issue]));
    if (issues.length > 0) {
      throw new AppError('INVALID_PARTICIPANTS', { details: { participants: issues } });
    }
    return results.flatMap((r) => (r.ok ? [r.participant] : []));
  }

  /** The members named as co-hosts, by user name; VALIDATION names one that is no member. */
  private async cohostIds(usernames: string[] | undefined): Promise<string[] | undefined> {
    if (usernames === undefined) return undefined;
    const found = await this.members.findActiveByUsernames(usernames);
    const unknown = usernames.find((name) => !found.has(name));
    if (unknown !== undefined) {
      throw new AppError('VALIDATION', { message: `No active member is called ${unknown}.` });
    }
    return [...found.values()].map((member) => member.id);
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

function zoneOrThrow(zone: string): string {
  const canonical = canonicalTimeZone(zone);
  if (!canonical) throw new AppError('BAD_TIME_ZONE');
  return canonical;
}

async function loadVersion(tx: Db, id: string): Promise<MeetingVersion> {
  const meeting = await tx
    .selectFrom('meetings')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const participants: ParticipantRef[] = await tx
    .selectFrom('meeting_participants')
    .select(['kind', 'address', 'user_id as userId'])
    .where('meeting_id', '=', id)
    .orderBy('position')
    .execute();
  return { meeting, participants };
}

function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000);
}
