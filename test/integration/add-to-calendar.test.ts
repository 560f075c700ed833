/**
 * "Add to calendar": the invitee's .ics from their answer page (their ATTENDEE, the password
 * their invitation had) and the lobby's (neither), both with the invitations' UID and SEQUENCE
 * so later emailed updates replace the event; read back with ical.js.
 */
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Meeting, RsvpPage } from '../../src/shared/api.js';
import { databaseKinds } from '../support/harness.js';
import { startInvitationEnv, type InvitationEnv } from '../support/invitation-env.js';

describe.each(databaseKinds)('add to calendar (%s)', (kind) => {
  let env: InvitationEnv;
  beforeEach(async () => {
    // An admin organizes, so the meeting can have a password.
    env = await startInvitationEnv(kind, 'admin');
  });
  afterEach(async () => {
    await env.close();
  });

  async function protectedMeeting(): Promise<Meeting> {
    const response = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: env.organizer.cookie },
      payload: {
        name: 'Board meeting',
        participants: ['guest@example.com', '+34 612 345 678'],
        startsAt: '2030-03-05T10:00:00+01:00',
        durationMinutes: 30,
        timeZone: 'Europe/Madrid',
        password: '48151623',
      },
    });
    expect(response.statusCode).toBe(201);
    return response.json<Meeting>();
  }

  function parse(body: string) {
    const calendar = new ICAL.Component(ICAL.parse(body));
    const event = calendar.getFirstSubcomponent('vevent')!;
    return {
      method: calendar.getFirstPropertyValue('method'),
      uid: event.getFirstPropertyValue('uid'),
      sequence: event.getFirstPropertyValue('sequence'),
      start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
      description: String(event.getFirstPropertyValue('description')),
      attendees: event
        .getAllProperties('attendee')
        .map((a) => String(a.getFirstValue()).replace(/^mailto:/i, '')),
    };
  }

  it('gives the invitee an .ics with their ATTENDEE and the password, and web calendar links', async () => {
    const meeting = await protectedMeeting();
    await env.deliver();
    const mail = env.smtp.messages.find((m) => m.envelope.to[0] === 'guest@example.com')!;
    const token = /\/r\/([A-Za-z0-9_-]{22})/.exec(mail.parsed.text ?? '')![1]!;

    const page = (
      await env.t.app.inject({ method: 'GET', url: `/api/rsvp/${token}` })
    ).json<RsvpPage>();
    expect(page.calendar?.icsUrl).toBe(`http://tertulia.test/api/rsvp/${token}/invite.ics`);
    expect(page.calendar?.googleUrl).toContain('dates=20300305T090000Z%2F20300305T093000Z');
    expect(page.calendar?.outlookUrl).toContain('startdt=2030-03-05T09%3A00%3A00.000Z');

    const file = await env.t.app.inject({ method: 'GET', url: `/api/rsvp/${token}/invite.ics` });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toMatch(/^text\/calendar/);
    expect(parse(file.body)).toMatchObject({
      method: 'PUBLISH',
      uid: `${meeting.id}@tertulia.test`,
      sequence: 0,
      start: '2030-03-05T09:00:00.000Z',
      attendees: ['guest@example.com'],
    });
    expect(parse(file.body).description).toContain('48151623');

    // The SMS invitee's link (no email address) gets the file too, with no ATTENDEE.
    const smsToken = /\/r\/([A-Za-z0-9_-]{22})/.exec(env.smsReceived()[0]!.text)![1]!;
    const smsFile = await env.t.app.inject({
      method: 'GET',
      url: `/api/rsvp/${smsToken}/invite.ics`,
    });
    expect(parse(smsFile.body)).toMatchObject({
      uid: `${meeting.id}@tertulia.test`,
      attendees: [],
    });
  });

  it('gives the lobby an .ics without password or attendees', async () => {
    const meeting = await protectedMeeting();
    const joinToken = new URL(meeting.joinUrl).pathname.replace(/^\/m\//, '');
    const file = await env.t.app.inject({
      method: 'GET',
      url: `/api/join/${joinToken}/invite.ics`,
    });
    expect(file.statusCode).toBe(200);
    const ics = parse(file.body);
    expect(ics).toMatchObject({
      method: 'PUBLISH',
      uid: `${meeting.id}@tertulia.test`,
      attendees: [],
    });
    expect(ics.description).toContain(meeting.joinUrl);
    expect(file.body).not.toContain('48151623');

    const unknown = await env.t.app.inject({
      method: 'GET',
      url: '/api/join/AAAAAAAAAAAAAAAAAAAAAA/invite.ics',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'MEETING_NOT_FOUND' });
  });
});
