/**
 * Calendar replies by mail: a real SMTP client (nodemailer) sends to the listener an iMIP
 * REPLY written by an independent library (ical.js's own component model, not our writer);
 * the invitee's answer changes. A reply about an unknown UID, mail that is no calendar reply,
 * an oversized message, another recipient and a flood are refused with proper SMTP replies.
 */
import ICAL from 'ical.js';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReplyListener } from '../../src/server/replies/reply-listener.js';
import type { Meeting } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

const REPLY_ADDRESS = 'replies@tertulia.test';
const MAX_BYTES = 64 * 1024;
const PER_MINUTE = 5;

/** An iTIP REPLY as a calendar sends it, built with ical.js. */
function imipReply(uid: string, attendee: string, partstat: string, method = 'REPLY'): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.addPropertyWithValue('prodid', '-//Independent Test Calendar//EN');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('method', method);
  const event = new ICAL.Component('vevent');
  event.addPropertyWithValue('uid', uid);
  event.addPropertyWithValue('sequence', 0);
  event.addPropertyWithValue(
    'dtstamp',
    ICAL.Time.fromJSDate(new Date('2030-03-01T12:00:00Z'), true),
  );
  event.addPropertyWithValue(
    'dtstart',
    ICAL.Time.fromJSDate(new Date('2030-03-05T09:00:00Z'), true),
  );
  const organizer = event.addPropertyWithValue('organizer', `mailto:${REPLY_ADDRESS}`);
  organizer.setParameter('cn', 'Ana García');
  const who = event.addPropertyWithValue('attendee', `mailto:${attendee}`);
  who.setParameter('partstat', partstat);
  calendar.addSubcomponent(event);
  return calendar.toString();
}

describe.each(databaseKinds)('calendar replies over SMTP (%s)', (kind) => {
  let t: TestApp;
  let listener: ReplyListener;
  let port: number;
  let organizerCookie: string;

  beforeEach(async () => {
    t = await startTestApp(kind);
    listener = new ReplyListener(
      {
        port: 0,
        host: '127.0.0.1',
        replyAddress: REPLY_ADDRESS,
        maxBytes: MAX_BYTES,
        messagesPerMinute: PER_MINUTE,
        domain: 'tertulia.test',
      },
      t.services.answers,
      { info() {}, warn() {} },
    );
    port = await listener.listen();
    const organizer = await t.createMember({ displayName: 'Ana García' });
    organizerCookie = await t.login(organizer.email, organizer.password);
  });
  afterEach(async () => {
    await listener.close();
    await t.close();
  });

  async function createMeeting(participants: string[]): Promise<Meeting> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: organizerCookie },
      payload: {
        name: 'Budget review',
        participants,
        startsAt: '2030-03-05T10:00:00+01:00',
        durationMinutes: 45,
        timeZone: 'Europe/Madrid',
      },
    });
    return response.json<Meeting>();
  }

  async function responses(id: string) {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/meetings/${id}`,
      headers: { cookie: organizerCookie },
    });
    return Object.fromEntries(
      response.json<Meeting>().participants.map((p) => [p.address, p.response]),
    );
  }

  /** Sends one message; resolves to the server's final reply code (250 when accepted). */
  async function send(mail: SendMailOptions): Promise<number> {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail(mail);
      return 250;
    } catch (error) {
      return (error as { responseCode?: number }).responseCode ?? -1;
    } finally {
      transport.close();
    }
  }

  const reply = (from: string, ics: string, to = REPLY_ADDRESS): SendMailOptions => ({
    from,
    to,
    subject: 'Accepted: Budget review',
    text: 'Accepted',
    icalEvent: { method: 'REPLY', content: ics },
  });

  it('records an attendee reply as their answer, and a later reply changes it', async () => {
    const meeting = await createMeeting(['guest@example.com', 'other@example.com']);
    const uid = `${meeting.id}@tertulia.test`;
    expect(
      await send(reply('guest@example.com', imipReply(uid, 'guest@example.com', 'ACCEPTED'))),
    ).toBe(250);
    expect(await responses(meeting.id)).toEqual({
      'guest@example.com': 'yes',
      'other@example.com': null,
    });
    expect(
      await send(
        reply('Guest <GUEST@example.com>', imipReply(uid, 'guest@example.com', 'TENTATIVE')),
      ),
    ).toBe(250);
    expect(
      await send(reply('other@example.com', imipReply(uid, 'other@example.com', 'DECLINED'))),
    ).toBe(250);
    expect(await responses(meeting.id)).toEqual({
      'guest@example.com': 'maybe',
      'other@example.com': 'no',
    });
  });

  it('refuses replies about unknown meetings, from others than the attendee, or from people not invited', async () => {
    const meeting = await createMeeting(['guest@example.com']);
    const uid = `${meeting.id}@tertulia.test`;
    const unknown = imipReply(
      '00000000-0000-4000-8000-000000000000@tertulia.test',
      'guest@example.com',
      'ACCEPTED',
    );
    expect(await send(reply('guest@example.com', unknown))).toBe(550);
    const foreign = imipReply(`${meeting.id}@elsewhere.example`, 'guest@example.com', 'ACCEPTED');
    expect(await send(reply('guest@example.com', foreign))).toBe(550);
    // Someone answering for another attendee.
    expect(
      await send(reply('mallory@example.com', imipReply(uid, 'guest@example.com', 'DECLINED'))),
    ).toBe(550);
    expect(
      await send(reply('stranger@example.com', imipReply(uid, 'stranger@example.com', 'ACCEPTED'))),
    ).toBe(550);
    // Not an answer.
    expect(
      await send(reply('guest@example.com', imipReply(uid, 'guest@example.com', 'NEEDS-ACTION'))),
    ).toBe(550);
    expect(await responses(meeting.id)).toEqual({ 'guest@example.com': null });
  });

  it('refuses mail that is no calendar reply, other recipients and oversized messages', async () => {
    const meeting = await createMeeting(['guest@example.com']);
    const uid = `${meeting.id}@tertulia.test`;
    expect(
      await send({
        from: 'guest@example.com',
        to: REPLY_ADDRESS,
        subject: 'Hi',
        text: 'Yes, I will come!',
      }),
    ).toBe(550);
    expect(
      await send(
        reply('guest@example.com', imipReply(uid, 'guest@example.com', 'ACCEPTED', 'REQUEST')),
      ),
    ).toBe(550);
    expect(
      await send(
        reply(
          'guest@example.com',
          imipReply(uid, 'guest@example.com', 'ACCEPTED'),
          'someone@tertulia.test',
        ),
      ),
    ).toBe(550);
    const big = reply('guest@example.com', imipReply(uid, 'guest@example.com', 'ACCEPTED'));
    big.text = 'x'.repeat(MAX_BYTES + 1);
    expect(await send(big)).toBe(552);
    expect(await responses(meeting.id)).toEqual({ 'guest@example.com': null });
  });

  it('refuses a client past its messages per minute with 421', async () => {
    const meeting = await createMeeting(['guest@example.com']);
    const message = reply(
      'guest@example.com',
      imipReply(`${meeting.id}@tertulia.test`, 'guest@example.com', 'ACCEPTED'),
    );
    const codes: number[] = [];
    for (let i = 0; i < PER_MINUTE + 2; i += 1) codes.push(await send(message));
    expect(codes).toEqual([...Array<number>(PER_MINUTE).fill(250), 421, 421]);
  });
});
