/**
 * The lobby: what a join link shows, and passing it. Guests get a session bound to this one
 * meeting (a 256-bit token, stored hashed, ending when the join window closes); logged-in
 * members pass with their account. Passwords are checked in constant time, and wrong answers
 * slow their source down without ever locking anyone out.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { JoinInfo, ParticipantSession } from '../../shared/api.js';
import { avatarUrl, type UserRow } from '../accounts/members.js';
import type { Clock } from '../clock.js';
import type { AuditService } from '../audit/audit.js';
import { AppError } from '../errors.js';
import type { HostingStore } from '../hosting/hosting-store.js';
import type { Db } from '../storage/database.js';
import type { MeetingsTable } from '../storage/schema.js';
import { hashToken, newToken } from '../tokens.js';
import { joinWindow, type JoinWindowRules } from './join-window.js';
import type { PasswordAttempts } from './password-attempts.js';

type MeetingRow = Selectable<MeetingsTable> & { organizer_name: string };

export interface JoinInput {
  displayName?: string | undefined;
  avatarId?: string | null | undefined;
  password?: string | undefined;
}

export interface Joined {
  session: ParticipantSession;
  /** The guest token to hand out (cookie and reply); null for members. */
  guestToken: string | null;
  expiresAt: Date;
}

export interface RoomEntry {
  meetingId: string;
  meetingName: string;
  /** When the join window closes: connections end then. */
  closesAt: Date;
  identity: string;
  session: ParticipantSession;
  /**
   * A host of this meeting: its organizer (for a quick conference, its creator), any admin, or
   * a co-host the organizer named. Guest sessions never are, even a member's.
   */
  host: boolean;
  /** The member behind the entry (for the audit log); null for a guest session. */
  member: { id: string; email: string } | null;
  /** The request's IP address, set by the WebSocket route (audit log). */
  source?: string;
}

/** What admins may change at run time (Settings) that the lobby uses. */
export interface LobbySettings {
  joinWindow: JoinWindowRules;
  organization: { name: string; logoUrl: string | null };
}

export class LobbyService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly attempts: PasswordAttempts,
    /** Read on every use, so a change in Settings applies without a restart. */
    private readonly settings: () => Promise<LobbySettings>,
    /** Wrong passwords go to the audit log, aggregated per meeting and source. */
    private readonly audit: Pick<AuditService, 'recordWrongPassword'>,
    /** Co-hosts, and whether a host ended the meeting for everyone. */
    private readonly hosting: Pick<HostingStore, 'options' | 'isCohost'>,
  ) {}

  async info(token: string, viewer: UserRow | null): Promise<JoinInfo> {
    const meeting = await this.meetingByToken(token);
    const now = this.clock.now();
    const settings = await this.settings();
    const window = await this.windowOf(meeting);
    return {
      name: meeting.name,
      kind: meeting.kind,
      organizer: { displayName: meeting.organizer_name },
      startsAt: meeting.starts_at,
      durationMinutes: meeting.duration_minutes,
      timeZone: meeting.time_zone,
      status: meeting.status,
      passwordRequired:
        meeting.password !== null && !(viewer && (await this.isInsider(meeting, viewer))),
      opensAt: window.opensAt.toISOString(),
      closesAt: window.closesAt.toISOString(),
      state: window.state,
      serverTime: now.toISOString(),
      viewer: viewer
        ? { displayName: viewer.display_name, avatarUrl: avatarUrl(viewer.avatar_id) }
        : null,
      organization: settings.organization,
    };
  }

  async join(
    token: string,
    input: JoinInput,
    member: UserRow | null,
    source: string,
  ): Promise<Joined> {
    const meeting = await this.meetingByToken(token);
    const window = await this.windowOf(meeting);
    if (window.state === 'cancelled') throw new AppError('MEETING_CANCELLED');
    if (window.state === 'not_open_yet') {
      throw new AppError('JOIN_NOT_OPEN_YET', {
        details: { opensAt: window.opensAt.toISOString() },
      });
    }
    if (window.state === 'ended') throw new AppError('MEETING_ENDED');
    const insider = member !== null && (await this.isInsider(meeting, member));
    if (meeting.password !== null && !insider) {
      await this.checkPassword(meeting, meeting.password, input.password, source);
    }

    if (member && (insider || meeting.password === null)) {
      return {
        session: memberSession(member, meeting, window.closesAt),
        guestToken: null,
        expiresAt: window.closesAt,
      };
    }
    // A member not invited to a protected meeting passed the password like a guest: they get a
    // guest session under their own name, which is what lets them into the room.
    const displayName = member ? member.display_name : input.displayName;
    if (!displayName) {
      throw new AppError('VALIDATION', { message: 'Please type your name.' });
    }
    const avatarId = member
      ? member.avatar_id
      : input.avatarId
        ? await this.guestAvatar(meeting.id, input.avatarId)
        : null;
    const guestToken = newToken();
    await this.db
      .insertInto('guest_sessions')
      .values({
        token_hash: hashToken(guestToken),
        meeting_id: meeting.id,
        display_name: displayName,
        avatar_id: avatarId,
        created_at: this.clock.now().toISOString(),
        expires_at: window.closesAt.toISOString(),
      })
      .execute();
    return {
      session: {
        kind: 'guest',
        displayName,
        avatarUrl: avatarUrl(avatarId),
        meeting: { name: meeting.name },
        expiresAt: window.closesAt.toISOString(),
      },
      guestToken,
      expiresAt: window.closesAt,
    };
  }

  /** Who is in this meeting's room on this request: its guest, or a logged-in member. */
  async me(
    token: string,
    guestToken: string | undefined,
    member: UserRow | null,
  ): Promise<ParticipantSession> {
    return (await this.roomEntry(token, guestToken, member, { requireOpen: false })).session;
  }

  /**
   * Who may enter the room, for the signaling connection: a guest session of this meeting, or
   * a member (one not invited to a protected meeting must have passed the lobby's password,
   * which gave them a guest session). `identity` is stable per session, never shown to others.
   */
  async roomEntry(
    token: string,
    guestToken: string | undefined,
    member: UserRow | null,
    { requireOpen = true } = {},
  ): Promise<RoomEntry> {
    const meeting = await this.meetingByToken(token);
    const window = await this.windowOf(meeting);
    if (requireOpen && window.state === 'cancelled') throw new AppError('MEETING_CANCELLED');
    if (requireOpen && window.state === 'not_open_yet') throw new AppError('JOIN_NOT_OPEN_YET');
    if (requireOpen && window.state === 'ended') throw new AppError('MEETING_ENDED');
    const room = { meetingId: meeting.id, meetingName: meeting.name, closesAt: window.closesAt };
    if (guestToken) {
      const tokenHash = hashToken(guestToken);
      const guest = await this.db
        .selectFrom('guest_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('meeting_id', '=', meeting.id)
        .where('expires_at', '>', this.clock.now().toISOString())
        .executeTakeFirst();
      if (guest) {
        return {
          ...room,
          host: false,
          member: null,
          identity: `guest:${tokenHash}`,
          session: {
            kind: 'guest',
            displayName: guest.display_name,
            avatarUrl: avatarUrl(guest.avatar_id),
            meeting: { name: meeting.name },
            expiresAt: guest.expires_at,
          },
        };
      }
    }
    if (member) {
      if (meeting.password !== null && !(await this.isInsider(meeting, member))) {
        throw new AppError('PASSWORD_REQUIRED');
      }
      return {
        ...room,
        host:
          member.role === 'admin' ||
          meeting.organizer_id === member.id ||
          (await this.hosting.isCohost(meeting.id, member.id)),
        member: { id: member.id, email: member.email },
        identity: `member:${member.id}`,
        session: memberSession(member, meeting, window.closesAt),
      };
    }
    throw new AppError('UNAUTHENTICATED');
  }

  /** The meeting behind a join link, whatever its state (`MEETING_NOT_FOUND` when none). */
  async meetingIdOf(token: string): Promise<string> {
    return (await this.meetingByToken(token)).id;
  }

  /** The meeting a guest may upload a lobby picture for: any not cancelled nor over. */
  async meetingForUpload(token: string): Promise<string> {
    const meeting = await this.meetingByToken(token).catch(() => undefined);
    const state = meeting && (await this.windowOf(meeting)).state;
    if (!meeting || state === 'cancelled' || state === 'ended')
      throw new AppError('UNAUTHENTICATED');
    return meeting.id;
  }

  async purgeExpired(): Promise<void> {
    await this.db
      .deleteFrom('guest_sessions')
      .where('expires_at', '<=', this.clock.now().toISOString())
      .execute();
  }

  /** The join window, closed early when a host ended the meeting for everyone. */
  private async windowOf(meeting: MeetingRow) {
    const window = joinWindow(meeting, (await this.settings()).joinWindow, this.clock.now());
    if (window.state === 'open' && (await this.hosting.options(meeting.id)).ended) {
      return { ...window, state: 'ended' as const };
    }
    return window;
  }

  private async checkPassword(
    meeting: MeetingRow,
    expected: string,
    given: string | undefined,
    source: string,
  ): Promise<void> {
    if (!given) throw new AppError('PASSWORD_REQUIRED');
    const right = sameSecret(expected, given);
    const waitMs = await this.attempts.answer(meeting.id, source, right);
    if (waitMs > 0) throw new AppError('TOO_MANY_ATTEMPTS', { details: { retryAfterMs: waitMs } });
    if (!right) {
      await this.audit.recordWrongPassword(meeting, source);
      throw new AppError('PASSWORD_WRONG');
    }
  }

  /** The organizer and member invitees are never asked for the password. */
  private async isInsider(meeting: MeetingRow, member: UserRow): Promise<boolean> {
    if (meeting.organizer_id === member.id) return true;
    const invited = await this.db
      .selectFrom('meeting_participants')
      .select('meeting_id')
      .where('meeting_id', '=', meeting.id)
      .where('user_id', '=', member.id)
      .executeTakeFirst();
    return invited !== undefined;
  }

  private async guestAvatar(meetingId: string, avatarId: string): Promise<string> {
    const avatar = await this.db
      .selectFrom('avatars')
      .select('id')
      .where('id', '=', avatarId)
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();
    if (!avatar) {
      throw new AppError('VALIDATION', {
        message: 'This picture was not uploaded for this meeting.',
      });
    }
    return avatar.id;
  }

  private async meetingByToken(token: string): Promise<MeetingRow> {
    const meeting = await this.db
      .selectFrom('meetings')
      .innerJoin('users', 'users.id', 'meetings.organizer_id')
      .selectAll('meetings')
      .select('users.display_name as organizer_name')
      .where('meetings.join_token', '=', token)
      .executeTakeFirst();
    if (!meeting) throw new AppError('MEETING_NOT_FOUND');
    return meeting;
  }
}

/** A member passes under their own account, until the join window closes. */
function memberSession(member: UserRow, meeting: MeetingRow, closesAt: Date): ParticipantSession {
  return {
    kind: 'member',
    displayName: member.display_name,
    avatarUrl: avatarUrl(member.avatar_id),
    meeting: { name: meeting.name },
    expiresAt: closesAt.toISOString(),
  };
}

/** Constant-time comparison of two secrets of any length (hashing evens the lengths). */
function sameSecret(expected: string, given: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(given));
}
