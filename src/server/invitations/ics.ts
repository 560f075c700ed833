/**
 * The iCalendar object (RFC 5545, iTIP RFC 5546) an invitation email carries, so the meeting
 * lands in the invitee's calendar and later updates or a cancellation replace it there.
 */
import ical, {
  type ICalCalendar,
  type ICalDateTimeValue,
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import type { InvitationContent } from './content.js';
import { emailText } from './email-text.js';

/** REQUEST and CANCEL go by email (iTIP); PUBLISH is a file to add to a calendar by hand. */
export type IcsMethod = 'REQUEST' | 'CANCEL' | 'PUBLISH';

const METHODS: Record<IcsMethod, ICalCalendarMethod> = {
  REQUEST: ICalCalendarMethod.REQUEST,
  CANCEL: ICalCalendarMethod.CANCEL,
  PUBLISH: ICalCalendarMethod.PUBLISH,
};

/**
 * Renders one VEVENT. Calendars match updates and cancellations to the event they already hold
 * by UID and keep the one with the highest SEQUENCE, so the UID never changes for a meeting and
 * the sequence comes from the meeting's own counter.
 *
 * Times are written in UTC (`DTSTART:20300331T003000Z`), not as local time with a TZID. The
 * meeting's instant is already stored in UTC, every client converts a Z time to the reader's
 * zone correctly, and there is no VTIMEZONE to get wrong: a TZID without a matching, correct
 * VTIMEZONE (DST rules included) is what makes clients shift events by an hour. The organizer's
 * zone is still spelled out in the email body.
 *
 * `stamp` is DTSTAMP, the moment the object was created; tests pass a fixed one.
 */
export function renderIcs(
  content: InvitationContent,
  method: IcsMethod,
  stamp: Date = new Date(),
): string {
  const calendar = ical({
    prodId: { company: 'Tertulia', product: 'Tertulia', language: 'EN' },
    method: METHODS[method],
  });
  addMeetingEvent(calendar, content, method === 'CANCEL', stamp);
  // RFC 5545 ends every content line with CRLF, the last one included; ical-generator leaves
  // the final END:VCALENDAR bare, and strict parsers then drop or reject the object.
  return `${calendar.toString()}\r\n`;
}

/**
 * Adds the meeting's VEVENT to a calendar: an invitation's, or a feed's (calendar-feed.ts),
 * which passes `inZone` to write local times with the meeting's TZID (and brings the
 * VTIMEZONEs) so that subscribed calendars show a feed's events in the organizer's zone.
 */
export function addMeetingEvent(
  calendar: ICalCalendar,
  content: InvitationContent,
  cancelled: boolean,
  stamp: Date,
  inZone?: (instant: Date, timeZone: string) => ICalDateTimeValue,
): void {
  const { meeting, organizer } = content;
  const start = new Date(meeting.startsAt);
  if (Number.isNaN(start.getTime())) {
    throw new RangeError(`Meeting ${meeting.id} has an invalid start: ${meeting.startsAt}`);
  }
  const end = new Date(start.getTime() + meeting.durationMinutes * 60_000);
  calendar.createEvent({
    id: `${meeting.id}@${content.domain}`,
    sequence: meeting.sequence,
    stamp,
    start: inZone ? inZone(start, meeting.timeZone) : start,
    end: inZone ? inZone(end, meeting.timeZone) : end,
    ...(inZone ? { timezone: meeting.timeZone } : {}),
    summary: meeting.name,
    description: describe(content, cancelled),
    url: meeting.joinUrl,
    // Clients show LOCATION next to the title; for an online meeting the link is the place.
    location: meeting.joinUrl,
    // Outlook, Google Calendar and Apple Calendar all send an attendee's reply to the
    // ORGANIZER's address (none of them honours SENT-BY or the mail's Reply-To for it), so with
    // a reply address the organizer is named by it, under the organizer's own name; their own
    // address stays in DESCRIPTION. Without one, nobody collects replies by mail.
    organizer: {
      name: quotable(organizer.displayName),
      email: content.replyAddress ?? organizer.email,
    },
    attendees: content.attendeeEmails.map((email) => ({
      email,
      role: ICalAttendeeRole.REQ,
      status: ICalAttendeeStatus.NEEDSACTION,
      rsvp: Boolean(content.replyAddress),
    })),
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
}

/** DESCRIPTION in the organizer's language: who organizes, the link, the password, who sends. */
function describe(content: InvitationContent, cancelled: boolean): string {
  const t = emailText(content.language);
  const { meeting, organizer } = content;
  const lines = cancelled ? [t.cancelled] : [];
  lines.push(`${t.labels.organizer}: ${organizer.displayName} <${organizer.email}>`);
  if (!cancelled) {
    lines.push(`${t.labels.link}: ${meeting.joinUrl}`);
    if (meeting.password) lines.push(`${t.labels.password}: ${meeting.password}`);
  }
  lines.push(t.footer(organizer.displayName, content.organization.name));
  return lines.join('\n');
}

/**
 * CN is a quoted parameter value, and RFC 5545 allows no DQUOTE inside one at all (a
 * backslash does not escape it there), so a display name's double quotes become single ones.
 */
function quotable(name: string): string {
  return name.replace(/"/g, "'");
}
