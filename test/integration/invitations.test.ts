import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/harness.js';
import { calendarOf, startInvitationEnv, type InvitationEnv } from '../support/invitation-env.js';

describe.each(databaseKinds)('invitations (%s)', (kind) => {
  let env: InvitationEnv;
  beforeEach(async () => {
    env = await startInvitationEnv(kind);
  });
  afterEach(async () => {
    await env.close();
  });

  async function createMeeting(participants: string[], name = 'Weekly sync') {
    const response = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: env.organizer.cookie },
      payload: {
        name,
        participants,
        startsAt: '2030-03-05T10:00:00+01:00',
        durationMinutes: 45,
        timeZone: 'Europe/Madrid',
      },
    });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; joinUrl: string };
  }

  async function patch(id: string, payload: object) {
    const response = await env.t.app.inject({
      method: 'PATCH',
      url: `/api/meetings/${id}`,
      headers: { cookie: env.organizer.cookie },
      payload,
    });
    expect(response.statusCode).toBe(200);
  }

  it('invites email, phone and member participants, and shows each as sent', async () => {
    const bob = await env.t.createMember({ username: 'bob.smith' });
    const meeting = await createMeeting(['guest@example.com', '+34 612 345 678', 'bob.smith']);
    await env.deliver();

    const mails = env.smtp.messages;
    expect(mails.map((m) => m.envelope.to).sort()).toEqual([[bob.email], ['guest@example.com']]);
    const mail = mails.find((m) => m.envelope.to[0] === 'guest@example.com')!.parsed;
    expect(mail.text).toContain(meeting.joinUrl);
    const ics = calendarOf(mail);
    expect(ics).toMatchObject({
      method: 'REQUEST',
      uid: `${meeting.id}@tertulia.test`,
      sequence: 0,
      status: 'CONFIRMED',
      summary: 'Weekly sync',
      start: '2030-03-05T09:00:00.000Z',
    });

    const sms = env.smsReceived();
    expect(sms).toHaveLength(1);
    expect(sms[0]!.to).toBe('34612345678');
    expect(sms[0]!.text).toContain(meeting.joinUrl);
    expect(sms[0]!.text).toContain('Ana García');

    const states = await env.deliveries(meeting.id);
    expect(states.map((d) => [d.participant.address, d.status]).sort()).toEqual([
      ['+34612345678', 'sent'],
      ['bob.smith', 'sent'],
      ['guest@example.com', 'sent'],
    ]);
  });

  it('sends an update with the same UID and a higher SEQUENCE when the time changes', async () => {
    const meeting = await createMeeting(['guest@example.com', '+34 612 345 678']);
    await env.deliver();
    await patch(meeting.id, { startsAt: '2030-03-06T16:30:00+01:00' });
    await env.deliver();

    expect(env.smtp.messages).toHaveLength(2);
    const [first, second] = env.smtp.messages.map((m) => calendarOf(m.parsed));
    expect(second!.uid).toBe(first!.uid);
    expect(second!.sequence).toBe(first!.sequence + 1);
    expect(second!.start).toBe('2030-03-06T15:30:00.000Z');
    expect(env.smsReceived()).toHaveLength(2);
  });

  it('updates email only, not SMS, when just the name changes', async () => {
    const meeting = await createMeeting(['guest@example.com', '+34 612 345 678']);
    await env.deliver();
    await patch(meeting.id, { name: 'Monthly sync' });
    await env.deliver();
    expect(env.smtp.messages).toHaveLength(2);
    expect(calendarOf(env.smtp.messages[1]!.parsed).summary).toBe('Monthly sync');
    expect(env.smsReceived()).toHaveLength(1);
  });

  it('cancels for a removed participant and invites an added one', async () => {
    const meeting = await createMeeting(['guest@example.com', 'old@example.com']);
    await env.deliver();
    await patch(meeting.id, { participants: ['guest@example.com', 'new@example.com'] });
    await env.deliver();
    const later = env.smtp.messages
      .slice(2)
      .map((m) => [m.envelope.to[0], calendarOf(m.parsed).method]);
    expect(later.sort()).toEqual([
      ['new@example.com', 'REQUEST'],
      ['old@example.com', 'CANCEL'],
    ]);
  });

  it('cancelling sends METHOD:CANCEL by email and a cancellation SMS', async () => {
    const meeting = await createMeeting(['guest@example.com', '+34 612 345 678']);
    await env.deliver();
    const response = await env.t.app.inject({
      method: 'DELETE',
      url: `/api/meetings/${meeting.id}`,
      headers: { cookie: env.organizer.cookie },
    });
    expect(response.statusCode).toBe(200);
    await env.deliver();
    const cancel = calendarOf(env.smtp.messages[1]!.parsed);
    expect(cancel).toMatchObject({ method: 'CANCEL', status: 'CANCELLED', sequence: 1 });
    const sms = env.smsReceived();
    expect(sms).toHaveLength(2);
    expect(sms[1]!.text).toMatch(/cancel/i);
  });

  it('a quick conference sends nothing until participants are added', async () => {
    const response = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings/quick',
      headers: { cookie: env.organizer.cookie },
    });
    const quick = response.json() as { id: string };
    await env.deliver();
    expect(env.smtp.messages).toHaveLength(0);
    await patch(quick.id, { participants: ['guest@example.com'] });
    await env.deliver();
    expect(env.smtp.messages).toHaveLength(1);
  });

  it('retries after SMTP 451 twice and delivers exactly one message with one Message-ID', async () => {
    env.smtp.refuseNext(2, 451, 'Try again later');
    const meeting = await createMeeting(['guest@example.com']);
    await env.deliver();
    expect(env.smtp.messages).toHaveLength(1);
    const [delivery] = await env.deliveries(meeting.id);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 3 });
    expect(env.smtp.messages[0]!.parsed.messageId).toBe(`<${delivery!.id}@tertulia.test>`);
  });

  it('delivers once SMTP comes up after being down when the meeting was created', async () => {
    await env.smtp.stop();
    const meeting = await createMeeting(['guest@example.com']);
    await env.deliver(2);
    const [pending] = await env.deliveries(meeting.id);
    expect(pending).toMatchObject({ status: 'queued' });
    expect(pending!.lastError).toBeTruthy();
    await env.smtp.start();
    await env.deliver();
    expect(env.smtp.messages).toHaveLength(1);
    expect((await env.deliveries(meeting.id))[0]!.status).toBe('sent');
  });

  it('retries when the connection drops in the middle of DATA', async () => {
    env.smtp.dropNext(1);
    const meeting = await createMeeting(['guest@example.com']);
    await env.deliver();
    expect(env.smtp.messages).toHaveLength(1);
    expect((await env.deliveries(meeting.id))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('marks a 550 as failed with the reason, and does not retry it', async () => {
    env.smtp.refuseNext(1, 550, 'Mailbox unavailable');
    const meeting = await createMeeting(['nobody@example.com']);
    await env.deliver();
    const [failed] = await env.deliveries(meeting.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed!.lastError).toContain('550');
    expect(env.smtp.messages).toHaveLength(0);
  });

  it('gives up on a transient failure after the retry window and says so', async () => {
    await env.smtp.stop();
    const meeting = await createMeeting(['guest@example.com']);
    // Retries are capped at 10 minutes apart; jump an hour at a time through the 24 h window.
    for (let hour = 0; hour < 26; hour += 1) {
      await env.t.services.worker.drain();
      env.t.clock.advanceMs(3_600_000);
    }
    const [failed] = await env.deliveries(meeting.id);
    expect(failed!.status).toBe('failed');
    expect(failed!.lastError).toMatch(/Gave up after \d+ attempts/);
  });

  it('retries an SMS the SMSC throttled and delivers it once', async () => {
    env.smsc.failNextSubmits(2, 0x58);
    const meeting = await createMeeting(['+34 612 345 678']);
    await env.deliver();
    expect(env.smsReceived()).toHaveLength(1);
    expect((await env.deliveries(meeting.id))[0]).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('loses nothing when the process stops with deliveries pending', async () => {
    await env.smtp.stop();
    const meeting = await createMeeting(['a@example.com', 'b@example.com']);
    await env.deliver(1);
    await env.t.restart();
    await env.smtp.start();
    await env.deliver();
    expect(env.smtp.messages.map((m) => m.envelope.to[0]).sort()).toEqual([
      'a@example.com',
      'b@example.com',
    ]);
    expect((await env.deliveries(meeting.id)).every((d) => d.status === 'sent')).toBe(true);
  });

  it('resend queues the invitation again for one participant', async () => {
    const meeting = await createMeeting(['guest@example.com']);
    await env.deliver();
    const [first] = await env.deliveries(meeting.id);
    const response = await env.t.app.inject({
      method: 'POST',
      url: `/api/meetings/${meeting.id}/deliveries/${first!.id}/resend`,
      headers: { cookie: env.organizer.cookie },
    });
    expect(response.statusCode).toBe(202);
    await env.deliver();
    expect(env.smtp.messages).toHaveLength(2);
    const [a, b] = env.smtp.messages.map((m) => m.parsed.messageId);
    expect(a).not.toBe(b);
  });

  it('only the organizer reads deliveries', async () => {
    const meeting = await createMeeting(['guest@example.com']);
    const other = await env.t.createMember();
    const cookie = await env.t.login(other.email, other.password);
    const response = await env.t.app.inject({
      method: 'GET',
      url: `/api/meetings/${meeting.id}/deliveries`,
      headers: { cookie },
    });
    expect(response.statusCode).toBe(404);
  });
});
