/**
 * Members' calendar feeds, read back with ical.js (not our writer): the meetings a member
 * organizes or is invited to, with times right on both sides of a DST change in the
 * organizer's zone, cancelled ones marked so, and a rotated token that stops the old URL.
 */
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Me, Meeting } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

describe.each(databaseKinds)('calendar feeds (%s)', (kind) => {
  let t: TestApp;
  let organizer: { cookie: string; username: string };
  beforeEach(async () => {
    t = await startTestApp(kind);
    const member = await t.createMember({ displayName: 'Ana García' });
    organizer = { cookie: await t.login(member.email, member.password), username: member.username };
  });
  afterEach(async () => {
    await t.close();
  });

  async function me(cookie: string): Promise<Me> {
    return (await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).json<Me>();
  }

  async function createMeeting(name: string, startsAt: string, participants: string[] = []) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: organizer.cookie },
      payload: { name, participants, startsAt, durationMinutes: 60, timeZone: 'Europe/Madrid' },
    });
    expect(response.statusCode).toBe(201);
    return response.json<Meeting>();
  }

  async function fetchFeed(url: string) {
    const response = await t.app.inject({ method: 'GET', url: new URL(url).pathname });
    return response;
  }

  function eventsOf(body: string) {
    const calendar = new ICAL.Component(ICAL.parse(body));
    return {
      calendar,
      events: calendar.getAllSubcomponents('vevent').map((vevent) => {
        const event = new ICAL.Event(vevent);
        return {
          uid: event.uid,
          summary: event.summary,
          sequence: event.sequence,
          status: String(vevent.getFirstPropertyValue('status')),
          tzid: vevent.getFirstProperty('dtstart')?.getParameter('tzid'),
          start: event.startDate.toJSDate().toISOString(),
          end: event.endDate.toJSDate().toISOString(),
        };
      }),
    };
  }

  it('lists the meetings one organizes or is invited to, in the organizer zone across a DST change', async () => {
    const invitee = await t.createMember({ displayName: 'Bob' });
    const inviteeCookie = await t.login(invitee.email, invitee.password);
    // Madrid moves from +01:00 to +02:00 on 31 March 2030 at 01:00 UTC.
    const before = await createMeeting('Before the change', '2030-03-29T10:00:00+01:00', [
      invitee.username,
    ]);
    const after = await createMeeting('After the change', '2030-04-02T10:00:00+02:00');
    const account = await me(organizer.cookie);
    expect(account.calendarFeedUrl).toMatch(
      /^http:\/\/tertulia\.test\/calendar\/[A-Za-z0-9_-]{43}\.ics$/,
    );
    // Asking again gives the same address.
    expect((await me(organizer.cookie)).calendarFeedUrl).toBe(account.calendarFeedUrl);

    const response = await fetchFeed(account.calendarFeedUrl);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/calendar/);
    const { calendar, events } = eventsOf(response.body);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const zone = calendar.getFirstSubcomponent('vtimezone');
    expect(zone?.getFirstPropertyValue('tzid')).toBe('Europe/Madrid');
    expect(events).toEqual([
      {
        uid: `${before.id}@tertulia.test`,
        summary: 'Before the change',
        sequence: 0,
        status: 'CONFIRMED',
        tzid: 'Europe/Madrid',
        start: '2030-03-29T09:00:00.000Z',
        end: '2030-03-29T10:00:00.000Z',
      },
      {
        uid: `${after.id}@tertulia.test`,
        summary: 'After the change',
        sequence: 0,
        status: 'CONFIRMED',
        tzid: 'Europe/Madrid',
        start: '2030-04-02T08:00:00.000Z',
        end: '2030-04-02T09:00:00.000Z',
      },
    ]);
    // Local wall-clock times as written: 10:00 on both sides of the change.
    expect(response.body).toContain('DTSTART;TZID=Europe/Madrid:20300329T100000');
    expect(response.body).toContain('DTSTART;TZID=Europe/Madrid:20300402T100000');

    // The invited member's feed has only the meeting they are invited to.
    const bobFeed = await fetchFeed((await me(inviteeCookie)).calendarFeedUrl);
    expect(eventsOf(bobFeed.body).events.map((e) => e.summary)).toEqual(['Before the change']);
  });

  it('marks cancelled meetings CANCELLED with a higher SEQUENCE and leaves out old ones', async () => {
    const kept = await createMeeting('Kept', '2030-03-10T10:00:00+01:00');
    const cancelled = await createMeeting('Called off', '2030-03-12T10:00:00+01:00');
    const cancel = await t.app.inject({
      method: 'DELETE',
      url: `/api/meetings/${cancelled.id}`,
      headers: { cookie: organizer.cookie },
    });
    expect(cancel.statusCode).toBe(200);
    const moved = await t.app.inject({
      method: 'PATCH',
      url: `/api/meetings/${kept.id}`,
      headers: { cookie: organizer.cookie },
      payload: { name: 'Kept, renamed' },
    });
    expect(moved.statusCode).toBe(200);
    const url = (await me(organizer.cookie)).calendarFeedUrl;

    const { events } = eventsOf((await fetchFeed(url)).body);
    expect(events.map(({ summary, status, sequence }) => ({ summary, status, sequence }))).toEqual([
      { summary: 'Kept, renamed', status: 'CONFIRMED', sequence: 1 },
      { summary: 'Called off', status: 'CANCELLED', sequence: 1 },
    ]);

    // 90 days after the second ended (now + 11 days + 90), both have left the feed.
    t.clock.advanceMs(102 * 86_400_000);
    expect(eventsOf((await fetchFeed(url)).body).events).toEqual([]);
  });

  it('stops the old address when the member makes a new one', async () => {
    await createMeeting('Weekly', '2030-03-10T10:00:00+01:00');
    const old = (await me(organizer.cookie)).calendarFeedUrl;
    expect((await fetchFeed(old)).statusCode).toBe(200);

    const rotated = await t.app.inject({
      method: 'POST',
      url: '/api/me/calendar-feed',
      headers: { cookie: organizer.cookie },
    });
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json<Me>().calendarFeedUrl;
    expect(fresh).not.toBe(old);

    const stale = await fetchFeed(old);
    expect(stale.statusCode).toBe(404);
    expect(stale.json()).toMatchObject({ code: 'CALENDAR_FEED_NOT_FOUND' });
    expect(eventsOf((await fetchFeed(fresh)).body).events.map((e) => e.summary)).toEqual([
      'Weekly',
    ]);
    // Malformed names are refused before any lookup.
    expect((await t.app.inject({ method: 'GET', url: '/calendar/x.ics' })).statusCode).toBe(400);
  });
});
