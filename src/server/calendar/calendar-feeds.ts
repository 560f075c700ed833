/**
 * Members' private calendar feeds, `<PUBLIC_URL>/calendar/<token>.ics`, which calendar apps
 * subscribe to: the meetings a member organizes or is invited to, from 90 days back to a year
 * ahead, cancelled ones as STATUS:CANCELLED (so subscribers drop them), each with the UID and
 * SEQUENCE of its invitations and its times in the organizer's zone with that zone's
 * VTIMEZONE. The token is 256 random bits, made on first use; rotating it stops the old URL at
 * once. It is kept as it is (not hashed) because the profile shows the URL again, as a join
 * link's token is.
 *
 * Also the lobby's "Add to calendar" file, by join token (no attendee, no password).
 */
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { InvitationContent } from '../invitations/content.js';
import { addMeetingEvent } from '../invitations/ics.js';
import { joinUrl } from '../join-link.js';
import { meetingsVisibleTo } from '../meetings/meeting-views.js';
import type { Db } from '../storage/database.js';
import type { UsersTable } from '../storage/schema.js';
import { newToken } from '../tokens.js';
import { meetingIcs } from './meeting-ics.js';
import { vtimezone } from './vtimezone.js';
import { zonedTime } from './zoned-time.js';

const DAY_MS = 86_400_000;
export const FEED_PAST_DAYS = 90;
export const FEED_FUTURE_DAYS = 365;
/** Most events in one feed; far above what a person has in 15 months. */
const FEED_MAX_EVENTS = 2_000;
/** How often subscribers are asked to fetch again (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
const FEED_TTL_SECONDS = 60 * 60;

export interface CalendarFeedsOptions {
  publicUrl: string;
  organization: () => Promise<InvitationContent['organization']>;
  replyAddress: string | null;
}

export class CalendarFeeds {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: CalendarFeedsOptions,
  ) {}

  /**
   * The member's feed URL, making its token the first time it is asked for. The row the caller
   * holds usually has the token already: no second read then (every GET /api/me asks).
   */
  async feedUrl(user: Pick<UsersTable, 'id' | 'calendar_feed_token'>): Promise<string> {
    const token = user.calendar_feed_token ?? (await this.tokenOf(user.id));
    return `${this.options.publicUrl}/calendar/${token}.ics`;
  }

  /** A new token for the member's feed: the old URL stops working at once. */
  async rotate(userId: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ calendar_feed_token: newToken() })
      .where('id', '=', userId)
      .execute();
  }

  /** The feed behind a token, or CALENDAR_FEED_NOT_FOUND (rotated, disabled member, never was). */
  async feed(token: string): Promise<string> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('calendar_feed_token', '=', token)
      .where('disabled', '=', 0)
      .executeTakeFirst();
    if (!user) throw new AppError('CALENDAR_FEED_NOT_FOUND');
    const now = this.clock.now();
    const from = new Date(now.getTime() - FEED_PAST_DAYS * DAY_MS);
    const to = new Date(now.getTime() + FEED_FUTURE_DAYS * DAY_MS);
    const meetings = await meetingsVisibleTo(this.db, user.id)
      .innerJoin('users as o', 'o.id', 'meetings.organizer_id')
      .select(['o.email as organizer_email', 'o.language as organizer_language'])
      .where('meetings.kind', '=', 'scheduled')
      .where('meetings.ends_at', '>', from.toISOString())
      .where('meetings.starts_at', '<', to.toISOString())
      .orderBy('meetings.starts_at')
      .limit(FEED_MAX_EVENTS)
      .execute();
    const organization = await this.organization();
    const calendar = ical({
      prodId: { company: 'Tertulia', product: 'Tertulia', language: 'EN' },
      method: ICalCalendarMethod.PUBLISH,
      name: organization.name,
      ttl: FEED_TTL_SECONDS,
      // One VTIMEZONE per zone used, covering the feed's span (a day beyond at each end, for
      // meetings that run over its edges).
      timezone: {
        name: null,
        generator: (zone) =>
          vtimezone(zone, new Date(from.getTime() - DAY_MS), new Date(to.getTime() + 2 * DAY_MS)),
      },
    });
    const domain = new URL(this.options.publicUrl).hostname;
    for (const m of meetings) {
      addMeetingEvent(
        calendar,
        {
          kind: m.status === 'cancelled' ? 'cancel' : 'invite',
          language: m.organizer_language,
          meeting: {
            id: m.id,
            name: m.name,
            startsAt: m.starts_at,
            durationMinutes: m.duration_minutes,
            timeZone: m.time_zone,
            joinUrl: joinUrl(this.options.publicUrl, m.join_token),
            sequence: m.sequence,
            // A feed may be read by any app the member gives its URL to: no passwords in it.
            password: null,
          },
          organizer: { displayName: m.organizer_name, email: m.organizer_email },
          organization,
          attendeeEmails: [],
          domain,
          replyAddress: null,
        },
        m.status === 'cancelled',
        new Date(m.updated_at),
        zonedTime,
      );
    }
    return `${calendar.toString()}\r\n`;
  }

  /** The lobby's .ics: what the join link's holder may know, no password and no attendee. */
  async lobbyFile(joinToken: string): Promise<string> {
    const meeting = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('join_token', '=', joinToken)
      .executeTakeFirst();
    if (!meeting) throw new AppError('MEETING_NOT_FOUND');
    const organizer = await this.db
      .selectFrom('users')
      .select(['display_name', 'email', 'language'])
      .where('id', '=', meeting.organizer_id)
      .executeTakeFirstOrThrow();
    return meetingIcs(
      meeting,
      organizer,
      {
        publicUrl: this.options.publicUrl,
        organization: await this.organization(),
        attendeeEmail: null,
        withPassword: false,
        replyAddress: this.options.replyAddress,
      },
      this.clock.now(),
    );
  }

  private async organization(): Promise<InvitationContent['organization']> {
    const organization = await this.options.organization();
    const logo = organization.logoUrl;
    return { name: organization.name, logoUrl: logo && `${this.options.publicUrl}${logo}` };
  }

  private async tokenOf(userId: string): Promise<string> {
    const read = () =>
      this.db
        .selectFrom('users')
        .select('calendar_feed_token')
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
    const current = (await read()).calendar_feed_token;
    if (current) return current;
    // Only where none is set yet: two first requests at once agree on one token.
    await this.db
      .updateTable('users')
      .set({ calendar_feed_token: newToken() })
      .where('id', '=', userId)
      .where('calendar_feed_token', 'is', null)
      .execute();
    const made = (await read()).calendar_feed_token;
    if (!made) throw new Error(`calendar feed token of ${userId} was not stored`);
    return made;
  }
}
