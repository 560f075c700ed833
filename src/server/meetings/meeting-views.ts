/**
 * The read side of meetings: which meetings a member may see, and how a row becomes the API's
 * `Meeting` (organizer name and participants loaded in one query for a whole list).
 */
import type { Selectable } from 'kysely';
import type { Meeting, MeetingInvitee } from '../../shared/api.js';
import { joinUrl } from '../join-link.js';
import type { Db } from '../storage/database.js';
import type { MeetingsTable } from '../storage/schema.js';
import { recipientKeyOf } from '../invitations/recipient-key.js';
import type { ListPosition } from './list-cursor.js';

export type MeetingListRow = Selectable<MeetingsTable> & { organizer_name: string };

/** Every meeting with its organizer's name. */
export function meetingsQuery(db: Db) {
  return db
    .selectFrom('meetings')
    .innerJoin('users as organizer', 'organizer.id', 'meetings.organizer_id')
    .selectAll('meetings')
    .select('organizer.display_name as organizer_name');
}

/** Meetings the member organizes or is invited to as a member. */
export function meetingsVisibleTo(db: Db, viewerId: string) {
  return meetingsQuery(db).where((eb) =>
    eb.or([
      eb('meetings.organizer_id', '=', viewerId),
      eb(
        'meetings.id',
        'in',
        eb
          .selectFrom('meeting_participants')
          .select('meeting_participants.meeting_id')
          .where('meeting_participants.user_id', '=', viewerId),
      ),
    ]),
  );
}

type MeetingsQuery = ReturnType<typeof meetingsQuery>;

/**
 * Orders a list by start time, then id (total, so paging is stable), from just after `after`.
 */
export function pageOf(
  query: MeetingsQuery,
  direction: 'asc' | 'desc',
  after: ListPosition | null,
): MeetingsQuery {
  const beyond = direction === 'asc' ? '>' : '<';
  const ordered = query.orderBy('meetings.starts_at', direction).orderBy('meetings.id', direction);
  if (!after) return ordered;
  return ordered.where((eb) =>
    eb.or([
      eb('meetings.starts_at', beyond, after.startsAt),
      eb.and([eb('meetings.starts_at', '=', after.startsAt), eb('meetings.id', beyond, after.id)]),
    ]),
  );
}

export async function presentMeetings(
  db: Db,
  publicUrl: string,
  viewer: { id: string; role: 'member' | 'admin' },
  rows: MeetingListRow[],
): Promise<Meeting[]> {
  const ids = rows.map((r) => r.id);
  const participantRows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('meeting_participants as p')
          .leftJoin('users as u', 'u.id', 'p.user_id')
          .select(['p.meeting_id', 'p.kind', 'p.address', 'p.user_id', 'u.display_name'])
          .where('p.meeting_id', 'in', ids)
          .orderBy('p.meeting_id')
          .orderBy('p.position')
          .execute();
  const hosting = await hostingOf(db, ids);
  const answerRows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('invitee_answers')
          .select(['meeting_id', 'recipient_key', 'response'])
          .where('meeting_id', 'in', ids)
          .execute();
  const answers = new Map(
    answerRows.map((a) => [`${a.meeting_id} ${a.recipient_key}`, a.response]),
  );
  const byMeeting = new Map<string, MeetingInvitee[]>();
  for (const p of participantRows) {
    const list = byMeeting.get(p.meeting_id) ?? [];
    const key = recipientKeyOf({ kind: p.kind, address: p.address, userId: p.user_id });
    list.push({
      kind: p.kind,
      address: p.address,
      displayName: p.display_name ?? null,
      response: answers.get(`${p.meeting_id} ${key}`) ?? null,
    });
    byMeeting.set(p.meeting_id, list);
  }
  return rows.map((r) =>
    presentMeeting(publicUrl, viewer, r, byMeeting.get(r.id) ?? [], {
      waitingRoom: hosting.waitingRoom.has(r.id),
      cohosts: hosting.cohosts.get(r.id) ?? [],
    }),
  );
}

/** One row as the API's `Meeting`, its participants and hosting already at hand. */
export function presentMeeting(
  publicUrl: string,
  viewer: { id: string; role: 'member' | 'admin' },
  r: MeetingListRow,
  participants: MeetingInvitee[],
  hosting: Pick<Meeting, 'waitingRoom' | 'cohosts'>,
): Meeting {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    status: r.status,
    startsAt: r.starts_at,
    durationMinutes: r.duration_minutes,
    timeZone: r.time_zone,
    joinUrl: joinUrl(publicUrl, r.join_token),
    organizer: { id: r.organizer_id, displayName: r.organizer_name },
    isOrganizer: r.organizer_id === viewer.id,
    participants,
    createdAt: r.created_at,
    passwordProtected: r.password !== null,
    // The organizer and admins see the password to share it; invitees learn it by invitation.
    password: r.organizer_id === viewer.id || viewer.role === 'admin' ? r.password : null,
    emailReminderMinutes: r.email_reminder_minutes,
    smsReminderMinutes: r.sms_reminder_minutes,
    waitingRoom: hosting.waitingRoom,
    cohosts: hosting.cohosts,
  };
}

/** Waiting room and co-hosts (009-hosting) of a list of meetings, in two queries. */
async function hostingOf(db: Db, ids: string[]) {
  const waitingRoom = new Set<string>();
  const cohosts = new Map<string, string[]>();
  if (ids.length === 0) return { waitingRoom, cohosts };
  const switched = await db
    .selectFrom('meeting_hosting')
    .select('meeting_id')
    .where('meeting_id', 'in', ids)
    .where('waiting_room', '=', 1)
    .execute();
  for (const row of switched) waitingRoom.add(row.meeting_id);
  const named = await db
    .selectFrom('meeting_cohosts as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.meeting_id', 'u.username'])
    .where('c.meeting_id', 'in', ids)
    .orderBy('u.username')
    .execute();
  for (const row of named)
    cohosts.set(row.meeting_id, [...(cohosts.get(row.meeting_id) ?? []), row.username]);
  return { waitingRoom, cohosts };
}
