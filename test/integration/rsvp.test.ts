/**
 * Replies by personal link (RSVP): every email and SMS invitation carries a link bound to its
 * invitee; the page answers Yes / No / Maybe without an account, the answer can change, the
 * organizer sees it on the meeting, and a link that is not one changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Meeting, RsvpPage } from '../../src/shared/api.js';
import { databaseKinds } from '../support/harness.js';
import { startInvitationEnv, type InvitationEnv } from '../support/invitation-env.js';

const RSVP_LINK = /http:\/\/tertulia\.test\/r\/([A-Za-z0-9_-]{22})/;

describe.each(databaseKinds)('answers by personal link (%s)', (kind) => {
  let env: InvitationEnv;
  beforeEach(async () => {
    env = await startInvitationEnv(kind);
  });
  afterEach(async () => {
    await env.close();
  });

  async function createMeeting(participants: string[]) {
    const response = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: env.organizer.cookie },
      payload: {
        name: 'Budget review',
        participants,
        startsAt: '2030-03-05T10:00:00+01:00',
        durationMinutes: 45,
        timeZone: 'Europe/Madrid',
      },
    });
    expect(response.statusCode).toBe(201);
    return response.json() as Meeting;
  }

  async function meeting(id: string): Promise<Meeting> {
    const response = await env.t.app.inject({
      method: 'GET',
      url: `/api/meetings/${id}`,
      headers: { cookie: env.organizer.cookie },
    });
    return response.json() as Meeting;
  }

  function tokenIn(text: string): string {
    const match = RSVP_LINK.exec(text);
    if (!match?.[1]) throw new Error(`no answer link in: ${text}`);
    return match[1];
  }

  function mailTo(address: string) {
    const mail = env.smtp.messages.findLast((m) => m.envelope.to[0] === address);
    if (!mail) throw new Error(`no mail to ${address}`);
    return mail.parsed;
  }

  const answer = (token: string, response: string) =>
    env.t.app.inject({ method: 'PUT', url: `/api/rsvp/${token}`, payload: { response } });

  const responses = async (id: string) =>
    Object.fromEntries((await meeting(id)).participants.map((p) => [p.address, p.response]));

  it('gives each email and SMS invitee their own link, which answers for them alone and can change', async () => {
    const bob = await env.t.createMember({ username: 'bob.smith', displayName: 'Bob Smith' });
    const created = await createMeeting(['guest@example.com', '+34 612 345 678', 'bob.smith']);
    await env.deliver();

    const guestMail = mailTo('guest@example.com');
    const guestToken = tokenIn(guestMail.text ?? '');
    // The HTML part carries the same personal link.
    expect(guestMail.html).toContain(`/r/${guestToken}`);
    const bobToken = tokenIn(mailTo(bob.email).text ?? '');
    const sms = env.smsReceived();
    const phoneToken = tokenIn(sms[0]!.text);
    expect(new Set([guestToken, bobToken, phoneToken]).size).toBe(3);
    expect(await responses(created.id)).toEqual({
      'guest@example.com': null,
      '+34612345678': null,
      'bob.smith': null,
    });

    const page = await env.t.app.inject({ method: 'GET', url: `/api/rsvp/${guestToken}` });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({
      invitee: 'guest@example.com',
      response: null,
      meeting: { name: 'Budget review', status: 'scheduled', timeZone: 'Europe/Madrid' },
    } satisfies Partial<Record<keyof RsvpPage, unknown>>);

    expect((await answer(guestToken, 'yes')).json()).toMatchObject({ response: 'yes' });
    expect((await answer(phoneToken, 'no')).json()).toMatchObject({ response: 'no' });
    expect(await responses(created.id)).toEqual({
      'guest@example.com': 'yes',
      '+34612345678': 'no',
      'bob.smith': null,
    });

    // Changing one's mind: the latest answer counts.
    expect((await answer(guestToken, 'maybe')).statusCode).toBe(200);
    expect((await answer(bobToken, 'yes')).statusCode).toBe(200);
    expect(await responses(created.id)).toEqual({
      'guest@example.com': 'maybe',
      '+34612345678': 'no',
      'bob.smith': 'yes',
    });
  });

  it('keeps the links of earlier messages working after an update brings a new one', async () => {
    const created = await createMeeting(['guest@example.com']);
    await env.deliver();
    const first = tokenIn(mailTo('guest@example.com').text ?? '');
    await env.t.app.inject({
      method: 'PATCH',
      url: `/api/meetings/${created.id}`,
      headers: { cookie: env.organizer.cookie },
      payload: { startsAt: '2030-03-06T10:00:00+01:00' },
    });
    await env.deliver();
    const second = tokenIn(mailTo('guest@example.com').text ?? '');
    expect(second).not.toBe(first);
    expect((await answer(first, 'no')).statusCode).toBe(200);
    expect((await answer(second, 'yes')).statusCode).toBe(200);
    expect(await responses(created.id)).toEqual({ 'guest@example.com': 'yes' });
  });

  it('answers a wrong token with 404 RSVP_NOT_FOUND and changes nothing', async () => {
    const created = await createMeeting(['guest@example.com']);
    await env.deliver();
    const token = tokenIn(mailTo('guest@example.com').text ?? '');
    await answer(token, 'yes');
    // One character changed: still well-formed, but no invitee's.
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const response of [
      await env.t.app.inject({ method: 'GET', url: `/api/rsvp/${wrong}` }),
      await answer(wrong, 'no'),
      await env.t.app.inject({ method: 'GET', url: `/api/rsvp/${wrong}/invite.ics` }),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'RSVP_NOT_FOUND' });
    }
    expect((await answer(token, 'perhaps')).statusCode).toBe(400);
    expect(await responses(created.id)).toEqual({ 'guest@example.com': 'yes' });
  });

  it('stops the link of someone removed from the meeting', async () => {
    const created = await createMeeting(['guest@example.com', 'other@example.com']);
    await env.deliver();
    const token = tokenIn(mailTo('guest@example.com').text ?? '');
    await env.t.app.inject({
      method: 'PATCH',
      url: `/api/meetings/${created.id}`,
      headers: { cookie: env.organizer.cookie },
      payload: { participants: ['other@example.com'] },
    });
    const response = await answer(token, 'yes');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'RSVP_NOT_FOUND' });
  });

  it('shows a cancelled meeting as cancelled and takes no more answers', async () => {
    const created = await createMeeting(['guest@example.com']);
    await env.deliver();
    const token = tokenIn(mailTo('guest@example.com').text ?? '');
    await answer(token, 'yes');
    await env.t.app.inject({
      method: 'DELETE',
      url: `/api/meetings/${created.id}`,
      headers: { cookie: env.organizer.cookie },
    });
    await env.deliver();
    // The cancellation itself carries no answer link.
    expect(RSVP_LINK.test(mailTo('guest@example.com').text ?? '')).toBe(false);
    const page = await env.t.app.inject({ method: 'GET', url: `/api/rsvp/${token}` });
    expect(page.json()).toMatchObject({
      meeting: { status: 'cancelled' },
      response: 'yes',
      calendar: null,
    });
    const late = await answer(token, 'no');
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'MEETING_CANCELLED' });
  });

  it('emails the organizer about a changed answer when their profile asks for it', async () => {
    const created = await createMeeting(['guest@example.com']);
    await env.deliver();
    const token = tokenIn(mailTo('guest@example.com').text ?? '');
    await answer(token, 'yes');
    await env.deliver();
    // Not asked for: nothing went to the organizer.
    expect(env.smtp.messages.filter((m) => m.envelope.to[0] === env.organizer.email)).toEqual([]);

    const patched = await env.t.app.inject({
      method: 'PATCH',
      url: '/api/me',
      headers: { cookie: env.organizer.cookie },
      payload: { notifyOnAnswers: true },
    });
    expect(patched.json()).toMatchObject({ notifyOnAnswers: true });
    await answer(token, 'no');
    await answer(token, 'no');
    await env.deliver();
    const notices = env.smtp.messages.filter((m) => m.envelope.to[0] === env.organizer.email);
    // One per change: the same answer again is no news.
    expect(notices).toHaveLength(1);
    expect(notices[0]!.parsed.subject).toBe('guest@example.com answered No: Budget review');
    expect(notices[0]!.parsed.text).toContain(`http://tertulia.test/meetings/${created.id}`);
    // A notice to the organizer is no invitation: the meeting's deliveries do not list it.
    expect((await env.deliveries(created.id)).map((d) => d.kind)).toEqual(['invite']);
  });
});
