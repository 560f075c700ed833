import { describe, expect, it } from 'vitest';
import { calendarLinks } from './calendar-links.js';

const facts = {
  name: 'Budget & plans',
  startsAt: '2030-03-05T09:00:00.000Z',
  durationMinutes: 45,
  timeZone: 'Europe/Madrid',
  joinUrl: 'https://meet.example.org/m/abc',
  details: 'https://meet.example.org/m/abc',
};

describe('calendarLinks', () => {
  it("prefills Google Calendar's form with UTC dates, the zone and the link", () => {
    const google = new URL(calendarLinks(facts, '/x.ics').googleUrl);
    expect(google.origin + google.pathname).toBe('https://calendar.google.com/calendar/render');
    expect(Object.fromEntries(google.searchParams)).toEqual({
      action: 'TEMPLATE',
      text: 'Budget & plans',
      dates: '20300305T090000Z/20300305T094500Z',
      ctz: 'Europe/Madrid',
      details: facts.details,
      location: facts.joinUrl,
    });
  });

  it("prefills Outlook on the web's compose form with ISO instants", () => {
    const outlook = new URL(calendarLinks(facts, '/x.ics').outlookUrl);
    expect(outlook.hostname).toBe('outlook.live.com');
    expect(outlook.searchParams.get('subject')).toBe('Budget & plans');
    expect(outlook.searchParams.get('startdt')).toBe('2030-03-05T09:00:00.000Z');
    expect(outlook.searchParams.get('enddt')).toBe('2030-03-05T09:45:00.000Z');
    expect(outlook.searchParams.get('location')).toBe(facts.joinUrl);
  });

  it('passes the .ics address through', () => {
    expect(calendarLinks(facts, '/api/join/abc/invite.ics').icsUrl).toBe(
      '/api/join/abc/invite.ics',
    );
  });
});
