/**
 * Reminders end to end over the real app, a real SMTP server and a real SMSC, with the test
 * clock: sent once at their instant, dropped with a cancellation, moved with the meeting, gone
 * with a removed invitee, skipped when overdue, once across restarts, and once when two
 * workers share one PostgreSQL database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/server/clock.js';
import { OutboxStore } from '../../src/server/invitations/outbox.js';
import { SmppTransport } from '../../src/server/invitations/transports/smpp.js';
import { SmtpTransport } from '../../src/server/invitations/transports/smtp.js';
import { DeliveryWorker } from '../../src/server/invitations/worker.js';
import { openDatabase, type Db } from '../../src/server/storage/database.js';
import type { Meeting, OutboxItem } from '../../src/shared/api.js';
import { databaseKinds } from '../support/harness.js';
import { startInvitationEnv, type InvitationEnv } from '../support/invitation-env.js';

const quiet = { info() {}, warn() {}, error() {} };
/** The test clock's start (harness.ts) plus two days: 2030-03-03T10:00Z, 11:00 in Madrid. */
const START = '2030-03-03T10:00:00.000Z';
const EMAIL_DUE = '2030-03-03T09:00:00.000Z';
const SMS_DUE = '2030-03-03T09:45:00.000Z';
const GUEST = 'guest@example.com';
/** As the SMSC sees the destination: international, without the plus. */
const PHONE_AT_SMSC = '34612345678';

/** A clock running in real time from where `clock` stands now. */
function runningFrom(clock: Clock): Clock {
  const offsetMs = clock.now().getTime() - Date.now();
  return { now: () => new Date(Date.now() + offsetMs) };
}

describe.each(databaseKinds)('reminders (%s)', (kind) => {
  let env: InvitationEnv;
  beforeEach(async () => {
    env = await startInvitationEnv(kind, 'admin');
  });
  afterEach(async () => {
    await env.close();
  });

  async function createMeeting(body: Record<string, unknown> = {}): Promise<Meeting> {
    const response = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: env.organizer.cookie },
      payload: {
        name: 'Budget review',
        participants: [GUEST, '+34 612 345 678'],
        startsAt: START,
        timeZone: 'Europe/Madrid',
        emailReminderMinutes: 60,
        smsReminderMinutes: 15,
        ...body,
      },
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<Meeting>();
  }

  async function update(id: string, body: Record<string, unknown>): Promise<Meeting> {
    const response = await env.t.app.inject({
      method: 'PATCH',
      url: `/api/meetings/${id}`,
      headers: { cookie: env.organizer.cookie },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Meeting>();
  }

  async function reminders(): Promise<OutboxItem[]> {
    const response = await env.t.app.inject({
      url: '/api/outbox?limit=500',
      headers: { cookie: env.organizer.cookie },
    });
    return response.json<{ items: OutboxItem[] }>().items.filter((i) => i.kind === 'reminder');
  }

  const reminderMails = () =>
    env.smtp.messages.filter((m) => m.parsed.subject?.startsWith('Reminder:'));
  const reminderTexts = () => env.smsReceived().filter((m) => m.text.includes('Reminder:'));

  /** Sets the clock and runs the worker until nothing is due then. */
  async function at(iso: string): Promise<void> {
    env.t.clock.set(iso);
    await env.t.services.worker.drain();
  }

  it('sends each reminder once, at its instant, with the time, the link and the password', async () => {
    const meeting = await createMeeting({ passwordProtected: true });
    await at('2030-03-03T08:59:59.999Z');
    expect(reminderMails()).toEqual([]);
    expect(env.smtp.messages.length, 'the invitations went out at once').toBe(1);

    await at(EMAIL_DUE);
    expect(reminderMails()).toHaveLength(1);
    const [mail] = reminderMails();
    expect(mail?.envelope.to).toEqual([GUEST]);
    expect(mail?.parsed.subject).toBe(
      'Reminder: Budget review — Sun 3 Mar 2030 11:00 (Europe/Madrid)',
    );
    expect(mail?.parsed.text).toContain(`Join link: ${meeting.joinUrl}`);
    expect(mail?.parsed.text).toContain(`Password: ${meeting.password}`);
    expect(mail?.parsed.attachments).toEqual([]);
    expect(reminderTexts()).toEqual([]);

    await at('2030-03-03T09:44:59.999Z');
    expect(reminderTexts()).toEqual([]);
    await at(SMS_DUE);
    expect(reminderTexts()).toEqual([
      {
        to: PHONE_AT_SMSC,
        text: expect.stringMatching(
          new RegExp(
            `Reminder: "Budget review" starts on Sun 3 Mar 2030, 11:00 \\(Europe/Madrid\\)\\. Join: ${meeting.joinUrl}\\nPassword: ${meeting.password}$`,
          ),
        ),
      },
    ]);

    await at('2030-03-03T09:59:00.000Z');
    expect(reminderMails()).toHaveLength(1);
    expect(reminderTexts()).toHaveLength(1);
    expect((await reminders()).map((r) => [r.channel, r.status, r.notBefore]).sort()).toEqual([
      ['email', 'sent', EMAIL_DUE],
      ['sms', 'sent', SMS_DUE],
    ]);
  });

  it('takes the Settings defaults when the form leaves them out; quick conferences get none', async () => {
    const settings = await env.t.app.inject({
      method: 'PATCH',
      url: '/api/admin/settings',
      headers: { cookie: env.organizer.cookie },
      payload: { emailReminderMinutes: 30, smsReminderMinutes: null },
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const meeting = await createMeeting({
      emailReminderMinutes: undefined,
      smsReminderMinutes: undefined,
    });
    expect(meeting).toMatchObject({ emailReminderMinutes: 30, smsReminderMinutes: null });
    expect((await reminders()).map((r) => [r.channel, r.notBefore])).toEqual([
      ['email', '2030-03-03T09:30:00.000Z'],
    ]);
    const quick = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings/quick',
      headers: { cookie: env.organizer.cookie },
    });
    expect(quick.json<Meeting>()).toMatchObject({ emailReminderMinutes: null });
    expect(await reminders()).toHaveLength(1);
  });

  it('refuses a lead out of range with VALIDATION, and the admin setting with SETTING_OUT_OF_RANGE', async () => {
    const response = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: env.organizer.cookie },
      payload: { name: 'x', startsAt: START, timeZone: 'UTC', emailReminderMinutes: 0 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION' });
    const settings = await env.t.app.inject({
      method: 'PATCH',
      url: '/api/admin/settings',
      headers: { cookie: env.organizer.cookie },
      payload: { smsReminderMinutes: 7 * 24 * 60 + 1 },
    });
    expect(settings.statusCode).toBe(400);
    expect(settings.json()).toMatchObject({ code: 'SETTING_OUT_OF_RANGE' });
  });

  it('sends none after the meeting is cancelled', async () => {
    const meeting = await createMeeting();
    const cancel = await env.t.app.inject({
      method: 'DELETE',
      url: `/api/meetings/${meeting.id}`,
      headers: { cookie: env.organizer.cookie },
    });
    expect(cancel.statusCode).toBeLessThan(300);
    await at(SMS_DUE);
    expect(reminderMails()).toEqual([]);
    expect(reminderTexts()).toEqual([]);
    expect(await reminders()).toEqual([]);
  });

  it('moves reminders with the meeting, and re-plans a changed lead', async () => {
    const meeting = await createMeeting();
    await update(meeting.id, { startsAt: '2030-03-04T10:00:00.000Z', smsReminderMinutes: 30 });
    await at(SMS_DUE);
    expect(reminderMails()).toEqual([]);
    expect(reminderTexts()).toEqual([]);
    await at('2030-03-04T09:00:00.000Z');
    expect(reminderMails()).toHaveLength(1);
    expect(reminderMails()[0]?.parsed.subject).toContain('Mon 4 Mar 2030 11:00');
    await at('2030-03-04T09:30:00.000Z');
    expect(reminderTexts()).toHaveLength(1);
  });

  it("drops a removed invitee's reminder and keeps the others'", async () => {
    const meeting = await createMeeting();
    await update(meeting.id, { participants: [GUEST] });
    await at(SMS_DUE);
    expect(reminderMails()).toHaveLength(1);
    expect(reminderTexts()).toEqual([]);
    expect((await reminders()).map((r) => r.channel)).toEqual(['email']);
  });

  it('skips a reminder that fell due more than its lead ago while the server was down', async () => {
    await createMeeting();
    await env.t.restart(async () => env.t.clock.set('2030-03-03T09:30:00.000Z'));
    // Down through the email reminder's time, but less than its lead ago: it still goes.
    await env.t.services.worker.drain();
    expect(reminderMails()).toHaveLength(1);
    // Down through the SMS reminder's time and past the start: a late reminder is not sent.
    await env.t.restart(async () => env.t.clock.set('2030-03-03T10:01:00.000Z'));
    await env.t.services.worker.drain();
    expect(reminderTexts()).toEqual([]);
    const sms = (await reminders()).find((r) => r.channel === 'sms');
    expect(sms).toMatchObject({ status: 'skipped', attempts: 1, sentAt: null });
    expect(sms?.lastError).toMatch(/meeting began/);
    const skipped = await env.t.app.inject({
      url: '/api/outbox?status=skipped',
      headers: { cookie: env.organizer.cookie },
    });
    expect(skipped.json<{ items: OutboxItem[] }>().items.map((i) => i.id)).toEqual([sms?.id]);
  });

  it('sends exactly once when the server restarts around the due time', async () => {
    await createMeeting({ participants: [GUEST] });
    await env.t.restart(async () => env.t.clock.set('2030-03-03T08:59:00.000Z'));
    await env.t.services.worker.drain();
    expect(reminderMails()).toEqual([]);
    // Due while stopped; a worker claimed it and died before sending (its lease lapses).
    await env.t.restart(async () => env.t.clock.set(EMAIL_DUE));
    const claimed = await env.t.services.outbox.claimDue('email', 10);
    expect(claimed.map((r) => r.kind)).toEqual(['reminder']);
    await env.t.restart(async () => env.t.clock.advanceMs(env.t.services.outbox.leaseMs + 1));
    await env.t.services.worker.drain();
    await env.t.restart();
    await env.t.services.worker.drain();
    expect(reminderMails()).toHaveLength(1);
    expect((await reminders()).map((r) => r.status)).toEqual(['sent']);
  });

  it('wakes the running worker at the due time, without polling for it', async () => {
    // Due two seconds from now in real time; the worker's poll bound is a minute away.
    env.t.clock.set('2030-03-03T09:44:58.000Z');
    await createMeeting({ participants: ['+34 612 345 678'] });
    const clock = runningFrom(env.t.clock);
    const sms = new SmppTransport({
      url: env.smsc.url(),
      source: 'Tertulia',
      bindTimeoutMs: 2_000,
    });
    const worker = new DeliveryWorker(
      new OutboxStore(env.t.db, clock, kind),
      { email: undefined, sms },
      clock,
      quiet,
      { retryBaseMs: 1_000, retryMaxMs: 10_000, pollMs: 60_000, concurrency: 4 },
    );
    const startedMs = Date.now();
    worker.start();
    try {
      await env.smsc.waitFor(() => reminderTexts().length === 1, 20_000);
    } finally {
      await worker.stop();
    }
    const tookMs = Date.now() - startedMs;
    expect(tookMs).toBeGreaterThanOrEqual(1_500);
    expect(tookMs).toBeLessThan(20_000);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('reminders with two workers on PostgreSQL', () => {
  let env: InvitationEnv;
  const extraDbs: Db[] = [];
  beforeEach(async () => {
    env = await startInvitationEnv('postgres', 'admin');
  });
  afterEach(async () => {
    await Promise.all(extraDbs.splice(0).map((db) => db.destroy()));
    await env.close();
  });

  it('claim and send each due reminder exactly once', async () => {
    const guests = Array.from({ length: 60 }, (_, i) => `guest${i}@example.com`);
    const response = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: env.organizer.cookie },
      payload: {
        name: 'All hands',
        participants: guests,
        startsAt: START,
        timeZone: 'Europe/Madrid',
        emailReminderMinutes: 60,
      },
    });
    expect(response.statusCode).toBe(201);
    await env.t.services.worker.drain();
    const invitations = env.smtp.messages.length;
    env.t.clock.set(EMAIL_DUE);
    const clock = runningFrom(env.t.clock);
    const sentBy = [0, 0];
    const workers = sentBy.map((_, index) => {
      const db = openDatabase(env.t.config.database);
      extraDbs.push(db);
      const smtp = new SmtpTransport({ url: env.smtp.url(), from: 'Tertulia <m@tertulia.test>' });
      return new DeliveryWorker(
        new OutboxStore(db, clock, 'postgres'),
        {
          email: {
            send: async (message) => {
              sentBy[index] = (sentBy[index] ?? 0) + 1;
              await smtp.send(message);
            },
            close: () => smtp.close(),
          },
          sms: undefined,
        },
        clock,
        quiet,
        { retryBaseMs: 1_000, retryMaxMs: 10_000, pollMs: 5, concurrency: 2 },
      );
    });
    env.smtp.setReplyDelay(5);
    for (const w of workers) w.start();
    await env.smtp.waitForMessages(invitations + guests.length);
    await Promise.all(workers.map((w) => w.stop()));

    const reminded = env.smtp.messages.slice(invitations).map((m) => m.envelope.to.join(','));
    expect(reminded.sort()).toEqual([...guests].sort());
    expect(new Set(env.smtp.messages.slice(invitations).map((m) => m.parsed.messageId)).size).toBe(
      guests.length,
    );
    expect(sentBy[0]! + sentBy[1]!).toBe(guests.length);
    expect(sentBy[0], 'the first worker sent some').toBeGreaterThan(0);
    expect(sentBy[1], 'the second worker sent some').toBeGreaterThan(0);
  });
});
