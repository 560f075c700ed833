/**
 * The iCalendar object (RFC 5545, iTIP RFC 5546) an invitation email carries, so the meeting
 * lands in the invitee's calendar and later updates or a cancellation replace it there.
 */
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import type { InvitationContent } from './content.js';
import { emailText } from './email-text.js';

export type IcsMethod = 'REQUEST' | 'CANCEL';

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
  const { meeting, organizer } = content;
  const start = new Date(meeting.startsAt);
  if (Number.isNaN(start.getTime())) {
    throw new RangeError(`Meeting ${meeting.id} has an invalid start: ${meeting.startsAt}`);
  }
  const end = new Date(start.getTime() + meeting.durationMinutes * 60_000);

  const calendar = ical({
    prodId: { company: 'Tertulia', product: 'Tertulia', language: 'EN' },
    method: method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  calendar.createEvent({
    id: `${meeting.id}@${content.domain}`,
    sequence: meeting.sequence,
    stamp,
    start,
    end,
    summary: meeting.name,
    description: describe(content, method),
    url: meeting.joinUrl,
    // Clients show LOCATION next to the title; for an online meeting the link is the place.
    location: meeting.joinUrl,
    organizer: { name: quotable(organizer.displayName), email: organizer.email },
    attendees: content.attendeeEmails.map((email) => ({
      email,
      role: ICalAttendeeRole.REQ,
      status: ICalAttendeeStatus.NEEDSACTION,
      // Nobody collects replies: the organizer follows attendance in Tertulia, not by mail.
      rsvp: false,
    })),
    status: method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  // RFC 5545 ends every content line with CRLF, the last one included; ical-generator leaves
  // the final END:VCALENDAR bare, and strict parsers then drop or reject the object.
  return `${calendar.toString()}\r\n`;
}

/** DESCRIPTION in the organizer's language: who organizes, the link, the password, who sends. */
function describe(content: InvitationContent, method: IcsMethod): string {
  const t = emailText(content.language);
  const { meeting, organizer } = content;
  const lines = method === 'CANCEL' ? [t.cancelled] : [];
  lines.push(`${t.labels.organizer}: ${organizer.displayName} <${organizer.email}>`);
  if (method === 'REQUEST') {
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
