import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import type { InvitationContent } from './content.js';
import { renderIcs } from './ics.js';

const STAMP = new Date('2030-03-01T09:15:00.000Z');

function invitation(
  meeting: Partial<InvitationContent['meeting']> = {},
  rest: Partial<Omit<InvitationContent, 'meeting'>> = {},
): InvitationContent {
  return {
    kind: 'invite',
    language: 'en',
    meeting: {
      id: 'mtg_123',
      name: 'Weekly sync',
      startsAt: '2030-03-05T09:00:00.000Z',
      durationMinutes: 60,
      timeZone: 'Europe/Madrid',
      joinUrl: 'https://meet.example.com/j/abcdef?x=1&y=2',
      sequence: 0,
      password: null,
      ...meeting,
    },
    organizer: { displayName: 'Ana Gómez', email: 'ana@example.com' },
    attendeeEmails: ['bob@example.org', 'carla@example.net'],
    domain: 'meet.example.com',
    organization: { name: 'Tertulia', logoUrl: null },
    ...rest,
  };
}

/** Parses the ICS with an independent reader, as a calendar client would. */
function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const events = calendar.getAllSubcomponents('vevent');
  expect(events).toHaveLength(1);
  const event = events[0]!;
  const time = (name: string) => {
    const value = event.getFirstPropertyValue(name);
    if (!(value instanceof ICAL.Time)) throw new Error(`${name} is not a date-time`);
    return value;
  };
  return { calendar, event, time };
}

function localTime(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    dateStyle: 'short',
    timeStyle: 'short',
    hourCycle: 'h23',
  }).format(instant);
}

describe('renderIcs', () => {
  it('writes a REQUEST with every field a calendar client needs', () => {
    const content = invitation({ sequence: 3 });
    const { calendar, event, time } = parse(renderIcs(content, 'REQUEST', STAMP));

    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(event.getFirstPropertyValue('uid')).toBe('mtg_123@meet.example.com');
    expect(event.getFirstPropertyValue('sequence')).toBe(3);
    expect(time('dtstamp').toJSDate().toISOString()).toBe('2030-03-01T09:15:00.000Z');
    expect(time('dtstart').toJSDate().toISOString()).toBe('2030-03-05T09:00:00.000Z');
    expect(time('dtend').toJSDate().toISOString()).toBe('2030-03-05T10:00:00.000Z');
    expect(event.getFirstPropertyValue('summary')).toBe('Weekly sync');
    expect(event.getFirstPropertyValue('description')).toBe(
      'Organizer: Ana Gómez <ana@example.com>\n' +
        'Join link: https://meet.example.com/j/abcdef?x=1&y=2\n' +
        'Sent by Tertulia on behalf of Ana Gómez.',
    );
    expect(event.getFirstPropertyValue('url')).toBe('https://meet.example.com/j/abcdef?x=1&y=2');
    expect(event.getFirstPropertyValue('location')).toBe(
      'https://meet.example.com/j/abcdef?x=1&y=2',
    );
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const organizer = event.getFirstProperty('organizer')!;
    expect(String(organizer.getFirstValue()).toLowerCase()).toBe('mailto:ana@example.com');
    expect(organizer.getParameter('cn')).toBe('Ana Gómez');

    const attendees = event.getAllProperties('attendee').map((attendee) => ({
      address: String(attendee.getFirstValue()).toLowerCase(),
      role: attendee.getParameter('role'),
      partstat: attendee.getParameter('partstat'),
      rsvp: attendee.getParameter('rsvp'),
    }));
    expect(attendees).toEqual([
      {
        address: 'mailto:bob@example.org',
        role: 'REQ-PARTICIPANT',
        partstat: 'NEEDS-ACTION',
        rsvp: 'FALSE',
      },
      {
        address: 'mailto:carla@example.net',
        role: 'REQ-PARTICIPANT',
        partstat: 'NEEDS-ACTION',
        rsvp: 'FALSE',
      },
    ]);
  });

  it('writes times in UTC with no TZID, so no VTIMEZONE is needed', () => {
    const ics = renderIcs(invitation(), 'REQUEST', STAMP);
    const { calendar, event } = parse(ics);

    expect(calendar.getAllSubcomponents('vtimezone')).toEqual([]);
    for (const name of ['dtstart', 'dtend', 'dtstamp']) {
      const property = event.getFirstProperty(name)!;
      expect(property.getParameter('tzid')).toBeUndefined();
      expect((property.getFirstValue() as ICAL.Time).zone).toBe(ICAL.Timezone.utcTimezone);
    }
    expect(ics).toContain('DTSTART:20300305T090000Z\r\n');
  });

  it('keeps a Madrid meeting exact across the spring DST change', () => {
    // 2030-03-31 01:30 CET; clocks jump 02:00 -> 03:00, so 120 minutes end at 04:30 CEST.
    const content = invitation({
      startsAt: '2030-03-31T00:30:00.000Z',
      durationMinutes: 120,
      timeZone: 'Europe/Madrid',
    });
    const { time } = parse(renderIcs(content, 'REQUEST', STAMP));
    const start = time('dtstart').toJSDate();
    const end = time('dtend').toJSDate();

    expect(start.toISOString()).toBe('2030-03-31T00:30:00.000Z');
    expect(end.toISOString()).toBe('2030-03-31T02:30:00.000Z');
    expect(end.getTime() - start.getTime()).toBe(120 * 60_000);
    expect(localTime(start, 'Europe/Madrid')).toBe('2030-03-31, 01:30');
    expect(localTime(end, 'Europe/Madrid')).toBe('2030-03-31, 04:30');
  });

  it('keeps a New York meeting exact across the autumn DST change', () => {
    // 2030-11-03 01:30 EDT; clocks fall back 02:00 -> 01:00, so 60 minutes end at 01:30 EST.
    const content = invitation({
      startsAt: '2030-11-03T05:30:00.000Z',
      durationMinutes: 60,
      timeZone: 'America/New_York',
    });
    const { time } = parse(renderIcs(content, 'REQUEST', STAMP));
    const start = time('dtstart').toJSDate();
    const end = time('dtend').toJSDate();

    expect(start.toISOString()).toBe('2030-11-03T05:30:00.000Z');
    expect(end.toISOString()).toBe('2030-11-03T06:30:00.000Z');
    expect(localTime(start, 'America/New_York')).toBe('2030-11-03, 01:30');
    expect(localTime(end, 'America/New_York')).toBe('2030-11-03, 01:30');
  });

  it('keeps an ordinary New York meeting at its local time', () => {
    const content = invitation({
      startsAt: '2030-07-15T14:00:00.000Z',
      durationMinutes: 45,
      timeZone: 'America/New_York',
    });
    const { time } = parse(renderIcs(content, 'REQUEST', STAMP));

    expect(time('dtstart').toJSDate().toISOString()).toBe('2030-07-15T14:00:00.000Z');
    expect(time('dtend').toJSDate().toISOString()).toBe('2030-07-15T14:45:00.000Z');
    expect(localTime(time('dtstart').toJSDate(), 'America/New_York')).toBe('2030-07-15, 10:00');
  });

  it('writes a CANCEL with the same UID, the new SEQUENCE and STATUS:CANCELLED', () => {
    const content = invitation({ sequence: 4, password: '12345678' }, { kind: 'cancel' });
    const { calendar, event } = parse(renderIcs(content, 'CANCEL', STAMP));

    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.getFirstPropertyValue('uid')).toBe('mtg_123@meet.example.com');
    expect(event.getFirstPropertyValue('sequence')).toBe(4);
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getAllProperties('attendee')).toHaveLength(2);
    // A cancelled meeting's description no longer offers the way in.
    expect(event.getFirstPropertyValue('description')).toBe(
      'This meeting has been cancelled and will not take place.\n' +
        'Organizer: Ana Gómez <ana@example.com>\n' +
        'Sent by Tertulia on behalf of Ana Gómez.',
    );
  });

  it('adds the password to the description when the meeting has one, in Spanish', () => {
    const content = invitation({ password: '04812345' }, { language: 'es' });
    const { event } = parse(renderIcs(content, 'REQUEST', STAMP));

    expect(event.getFirstPropertyValue('description')).toBe(
      'Organiza: Ana Gómez <ana@example.com>\n' +
        'Enlace para unirse: https://meet.example.com/j/abcdef?x=1&y=2\n' +
        'Contraseña: 04812345\n' +
        'Enviado por Tertulia en nombre de Ana Gómez.',
    );
  });

  it('round-trips names with iCalendar syntax characters and quotes', () => {
    const name = 'Plan; Q2, "draft" <script>alert(1)</script>\nsecond line';
    const content = invitation(
      { name },
      { organizer: { displayName: 'Ana "La Jefa", Gómez', email: 'ana@example.com' } },
    );
    const ics = renderIcs(content, 'REQUEST', STAMP);
    const { event } = parse(ics);

    expect(event.getFirstPropertyValue('summary')).toBe(name);
    expect(event.getFirstProperty('organizer')!.getParameter('cn')).toBe("Ana 'La Jefa', Gómez");
  });

  it('writes CRLF lines folded at 75 octets, as RFC 5545 requires', () => {
    const content = invitation({ name: 'Reunión '.repeat(30) });
    const ics = renderIcs(content, 'REQUEST', STAMP);

    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const lines = ics.slice(0, -2).split('\r\n');
    expect(lines.filter((line) => line.startsWith(' ')).length).toBeGreaterThan(3);
    for (const line of lines) {
      expect(line).not.toContain('\n');
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    }
  });

  it('names REPLY_ADDRESS as ORGANIZER and asks for replies when the server takes them', () => {
    const withReplies = parse(
      renderIcs(invitation({}, { replyAddress: 'replies@meet.example.com' }), 'REQUEST', STAMP),
    ).event;
    const organizer = withReplies.getFirstProperty('organizer')!;
    expect(String(organizer.getFirstValue()).toLowerCase()).toBe('mailto:replies@meet.example.com');
    expect(organizer.getParameter('cn')).toBe('Ana Gómez');
    expect(withReplies.getAllProperties('attendee').map((a) => a.getParameter('rsvp'))).toEqual([
      'TRUE',
      'TRUE',
    ]);
    // Without it, the organizer's own address, and nobody is asked to reply.
    const without = parse(renderIcs(invitation(), 'REQUEST', STAMP)).event;
    expect(String(without.getFirstPropertyValue('organizer')).toLowerCase()).toBe(
      'mailto:ana@example.com',
    );
    expect(without.getAllProperties('attendee').map((a) => a.getParameter('rsvp'))).toEqual([
      'FALSE',
      'FALSE',
    ]);
  });

  it('refuses a meeting whose start is not a date', () => {
    expect(() => renderIcs(invitation({ startsAt: 'tomorrow' }), 'REQUEST', STAMP)).toThrow(
      RangeError,
    );
  });
});
