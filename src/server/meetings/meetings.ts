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
  MeetingPage,
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
import { decodeCursor, encodeCursor } from './list-cursor.js';
import {
  meetingsQuery,
  meetingsVisibleTo,
  pageOf,
  presentMeeting,
  presentMeetings,
  type MeetingListRow,
} from './meeting-views.js';
import { resolveParticipants, type Resolved } from './participants.js';
import { canonicalTimeZone } from './zones.js';
import type { HostingStore } from '../hosting/hosting-store.js';

/** 128 bits: a join link is a bearer secret, long enough that guessing one is hopeless. */
const JOIN_TOKEN_BYTES = 16;
const QUICK_WINDOW_MINUTES = 24 * 60;
/** Rows the admin list reads at a time while it searches for a page of matches. */
const ADMIN_SCAN_BATCH = 200;
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
  /** Minutes before the start; null: none; left out: the Settings' default (on update: as is). */
  emailReminderMinutes?: number | null | undefined;
  smsReminderMinutes?: number | null | undefined;
}

/** What admins may change at run time (Settings): read afresh on every use. */
export interface MeetingPolicy {
  /** Digits in a generated meeting password. */
  passwordLength: number;
  defaultPhoneRegion: CountryCode;
  /** Whether a meeting created without saying has a waiting room. */
  waitingRoomDefault: boolean;
  /** Reminder lead times of a new meeting whose form leaves them out; null: none. */
  emailReminderMinutes: number | null;
  smsReminderMinutes: number | null;
}

export interface MeetingsOptions {
  publicUrl: string;
  defaultTimeZone: string;
  policy: () => Promise<MeetingPolicy>;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
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
    const policy = await this.options.policy();
    const { passwordLength } = policy;
    const cohosts = await this.cohostMembers(input.cohosts);
    const waitingRoom = input.waitingRoom ?? policy.waitingRoomDefault;
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
      // Copied, not referred to: a meeting keeps the reminders it was created with when an
      // admin later changes the defaults.
      email_reminder_minutes: inherit(input.emailReminderMinutes, policy.emailReminderMinutes),
      sms_reminder_minutes: inherit(input.smsReminderMinutes, policy.smsReminderMinutes),
      created_at: now,
      updated_at: now,
    };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('meetings').values(row).execute();
      await insertParticipants(tx, row.id, participants);
      await this.hosting.setWaitingRoom(row.id, waitingRoom, tx);
      if (cohosts) await this.hosting.setCohosts(row.id, idsOf(cohosts), tx);
      await this.invitations.recordChange(tx, organizer, null, {
        meeting: row,
        participants,
      });
    });
    this.invitations.notifyQueued();
    // Everything the answer shows is at hand: no need to read back what was just written.
    return presentMeeting(
      this.options.publicUrl,
      organizer,
      { ...row, organizer_name: organizer.display_name },
      // A new meeting has no answers yet.
      participants.map(({ kind, address, displayName }) => ({
        kind,
        address,
        displayName,
        response: null,
      })),
      { waitingRoom, cohosts: namesOf(cohosts ?? []) },
    );
  }

  async createQuick(
    organizer: UserRow,
    input: { name?: string | undefined; timeZone?: string | undefined } & PasswordChoice &
      HostingChoice,
  ): Promise<Meeting> {
    const { passwordLength, waitingRoomDefault } = await this.options.policy();
    const cohosts = await this.cohostMembers(input.cohosts);
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
          // Started at once: there is nothing to remind anyone of.
          email_reminder_minutes: null,
          sms_reminder_minutes: null,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        })
        .execute();
      await this.hosting.setWaitingRoom(id, input.waitingRoom ?? waitingRoomDefault, tx);
      if (cohosts) await this.hosting.setCohosts(id, idsOf(cohosts), tx);
    });
    return this.get(organizer, id);
  }

  /** One page of the meetings the member organizes or is invited to; see list-cursor.ts. */
  async list(viewer: UserRow, scope: 'upcoming' | 'past', page: PageRequest): Promise<MeetingPage> {
    const now = this.clock.now().toISOString();
    const direction = scope === 'upcoming' ? 'asc' : 'desc';
    const after = page.cursor === undefined ? null : decodeCursor(scope, page.cursor);
    const rows = await pageOf(
      meetingsVisibleTo(this.db, viewer.id).where(
        'meetings.ends_at',
        scope === 'upcoming' ? '>' : '<=',
        now,
      ),
      direction,
      after,
    )
      .limit(page.limit + 1)
      .execute();
    return this.present(viewer, scope, rows, page.limit);
  }

  /**
   * Admins: one page of every meeting of the organization by one filter. The text search runs
   * here, not in SQL, because SQLite's lower() only folds ASCII and names like "Reunión" must
   * match too; so rows are read in batches, in list order, until the page is full.
   */
  async listAll(
    viewer: UserRow,
    filter: AdminMeetingsFilter,
    page: PageRequest & { q?: string | undefined },
  ): Promise<MeetingPage> {
    if (viewer.role !== 'admin') throw new AppError('ADMIN_ONLY');
    const list = `admin:${filter}`;
    const now = this.clock.now().toISOString();
    let query = meetingsQuery(this.db);
    if (filter === 'upcoming') {
      query = query.where('meetings.status', '=', 'scheduled').where('meetings.ends_at', '>', now);
    } else if (filter === 'past') {
      query = query.where('meetings.status', '=', 'scheduled').where('meetings.ends_at', '<=', now);
    } else if (filter === 'cancelled') {
      query = query.where('meetings.status', '=', 'cancelled');
    } else {
      query = query
        .where('meetings.status', '=', 'scheduled')
        .where('meetings.password', 'is not', null);
    }
    const direction = filter === 'upcoming' || filter === 'protected' ? 'asc' : 'desc';
    const needle = page.q?.toLocaleLowerCase();
    const matches = (r: MeetingListRow) =>
      !needle ||
      r.name.toLocaleLowerCase().includes(needle) ||
      r.organizer_name.toLocaleLowerCase().includes(needle);
    let after = page.cursor === undefined ? null : decodeCursor(list, page.cursor);
    const found: MeetingListRow[] = [];
    // One more than the page, to know whether another page follows.
    while (found.length <= page.limit) {
      const batch = await pageOf(query, direction, after).limit(ADMIN_SCAN_BATCH).execute();
      found.push(...batch.filter(matches));
      const last = batch.at(-1);
      if (!last || batch.length < ADMIN_SCAN_BATCH) break;
      after = { startsAt: last.starts_at, id: last.id };
    }
    return this.present(viewer, list, found, page.limit);
  }

  /** The API's page: at most `limit` meetings and, when more rows were found, the cursor. */
  private async present(
    viewer: UserRow,
    list: string,
    rows: MeetingListRow[],
    limit: number,
  ): Promise<MeetingPage> {
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return {
      meetings: await presentMeetings(this.db, this.options.publicUrl, viewer, shown),
      nextCursor:
        rows.length > limit && last
          ? encodeCursor(list, { startsAt: last.starts_at, id: last.id })
          : null,
    };
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
    const cohosts = await this.cohostMembers(change.cohosts);
    const setHosting = async (tx: Db) => {
      if (change.waitingRoom !== undefined) {
        await this.hosting.setWaitingRoom(id, change.waitingRoom, tx);
      }
      if (cohosts) await this.hosting.setCohosts(id, idsOf(cohosts), tx);
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
        email_reminder_minutes: inherit(
          change.emailReminderMinutes,
          before.meeting.email_reminder_minutes,
        ),
        sms_reminder_minutes: inherit(
          change.smsReminderMinutes,
          before.meeting.sms_reminder_minutes,
        ),
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
  private async cohostMembers(usernames: string[] | undefined): Promise<UserRow[] | undefined> {
    if (usernames === undefined) return undefined;
    const found = await this.members.findActiveByUsernames(usernames);
    const unknown = usernames.find((name) => !found.has(name));
    if (unknown !== undefined) {
      throw new AppError('VALIDATION', { message: `No active member is called ${unknown}.` });
    }
    return [...found.values()];
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

/** A lead time as given (a number, or null for none), or `fallback` when left out. */
function inherit(given: number | null | undefined, fallback: number | null): number | null {
  return given === undefined ? fallback : given;
}

function idsOf(members: UserRow[]): string[] {
  return members.map((member) => member.id);
}

/** Co-hosts as `Meeting.cohosts` lists them: usernames in order (meeting-views.ts). */
function namesOf(members: UserRow[]): string[] {
  return members.map((member) => member.username).sort();
}

function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000);
}
