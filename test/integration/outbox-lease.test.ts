import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/server/clock.js';
import type { EmailMessage, EmailTransport } from '../../src/server/invitations/messages.js';
import { OutboxStore, type ClaimedRow } from '../../src/server/invitations/outbox.js';
import { SmtpTransport } from '../../src/server/invitations/transports/smtp.js';
import { DeliveryWorker } from '../../src/server/invitations/worker.js';
import { openDatabase, type Db } from '../../src/server/storage/database.js';
import { databaseKinds } from '../support/harness.js';
import { calendarOf, startInvitationEnv, type InvitationEnv } from '../support/invitation-env.js';

const FROM = 'Tertulia <meetings@tertulia.test>';
const quiet = { info() {}, warn() {}, error() {} };

/** Real time, starting at the test clock's instant, for workers that run on their own. */
function runningFrom(clock: Clock): Clock {
  const offsetMs = clock.now().getTime() - Date.now();
  return { now: () => new Date(Date.now() + offsetMs) };
}

function guests(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `guest${String(i).padStart(3, '0')}@example.com`);
}

async function createMeeting(env: InvitationEnv, participants: string[]): Promise<string> {
  const response = await env.t.app.inject({
    method: 'POST',
    url: '/api/meetings',
    headers: { cookie: env.organizer.cookie },
    payload: {
      name: 'Quarterly review',
      participants,
      startsAt: '2030-03-05T10:00:00+01:00',
      timeZone: 'Europe/Madrid',
      // Invitations only: reminders are claimed the same way, and tested in reminders.test.ts.
      emailReminderMinutes: null,
      smsReminderMinutes: null,
    },
  });
  expect(response.statusCode).toBe(201);
  return (response.json() as { id: string }).id;
}

function worker(store: OutboxStore, email: EmailTransport, clock: Clock, concurrency = 16) {
  return new DeliveryWorker(store, { email, sms: undefined }, clock, quiet, {
    retryBaseMs: 1_000,
    retryMaxMs: 10_000,
    pollMs: 5,
    concurrency,
  });
}

describe.each(databaseKinds)('outbox claims (%s)', (kind) => {
  let env: InvitationEnv;
  beforeEach(async () => {
    env = await startInvitationEnv(kind, 'admin');
  });
  afterEach(async () => {
    await env.close();
  });

  /** A second worker's view of the same database, with its own claims. */
  function otherStore(
    options = { leaseMs: env.t.services.outbox.leaseMs },
    clock: Clock = env.t.clock,
  ) {
    return new OutboxStore(env.t.db, clock, kind, options);
  }

  async function claimOne(store: OutboxStore): Promise<ClaimedRow> {
    const rows = await store.claimDue('email', 10);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  it('ignores the outcome of a worker whose lease ran out once another worker took the row', async () => {
    await createMeeting(env, ['guest@example.com']);
    const first = env.t.services.outbox;
    const second = otherStore();
    const late = await claimOne(first);
    expect(await second.claimDue('email', 10)).toEqual([]);

    env.t.clock.advanceMs(first.leaseMs + 1);
    const current = await claimOne(second);
    expect(current.id).toBe(late.id);
    expect(current.claim_token).not.toBe(late.claim_token);

    expect(await first.markSent(late)).toBe(false);
    expect(await first.scheduleRetry(late, env.t.clock.now(), 'timeout')).toBe(false);
    expect(await first.markFailed(late, 'timeout')).toBe(false);
    await first.release([late]);
    expect(await first.renew([late])).toEqual(new Set());
    expect(await second.renew([current])).toEqual(new Set([current.id]));
    expect(await first.get(late.id)).toMatchObject({ status: 'queued', attempts: 2 });

    expect(await second.markSent(current)).toBe(true);
    expect(await first.get(late.id)).toMatchObject({
      status: 'sent',
      locked_until: null,
      claim_token: null,
    });
  });

  it('keeps a renewed row from other workers past the end of its first lease', async () => {
    await createMeeting(env, ['guest@example.com']);
    const first = env.t.services.outbox;
    const second = otherStore();
    const held = await claimOne(first);
    const twoThirds = Math.round((first.leaseMs * 2) / 3);

    env.t.clock.advanceMs(twoThirds);
    expect(await first.renew([held])).toEqual(new Set([held.id]));
    env.t.clock.advanceMs(twoThirds);
    expect(await second.claimDue('email', 10)).toEqual([]);

    env.t.clock.advanceMs(first.leaseMs);
    expect((await claimOne(second)).id).toBe(held.id);
  });

  it('sends an email again after a crash between SMTP and markSent with the same Message-ID, UID and SEQUENCE', async () => {
    const meetingId = await createMeeting(env, ['guest@example.com']);
    // What a node did before it died: it claimed the row and the relay accepted the message...
    const claimed = await claimOne(env.t.services.outbox);
    const crashed = new SmtpTransport({ url: env.smtp.url(), from: FROM });
    await crashed.send(JSON.parse(claimed.payload) as EmailMessage);
    await crashed.close();
    // ...but the node was gone before recording it: the lease runs out, another worker sends.
    env.t.clock.advanceMs(env.t.services.outbox.leaseMs + 1);
    await env.t.services.worker.drain();

    expect(env.smtp.messages).toHaveLength(2);
    const [before, after] = env.smtp.messages.map((m) => m.parsed);
    expect(after!.messageId).toBe(`<${claimed.id}@tertulia.test>`);
    expect(after!.messageId).toBe(before!.messageId);
    expect(calendarOf(after!)).toEqual(calendarOf(before!));
    expect(calendarOf(after!)).toMatchObject({ uid: `${meetingId}@tertulia.test`, sequence: 0 });
    // DTSTAMP included: the ICS is rendered once, when the meeting changed, never at send time.
    const ics = (mail: typeof before) =>
      mail!.attachments.find((a) => a.filename === 'invite.ics')!.content.toString('utf8');
    expect(ics(after)).toBe(ics(before));
    expect(await env.t.services.outbox.get(claimed.id)).toMatchObject({
      status: 'sent',
      attempts: 2,
    });
  });

  it('a live worker keeps its row through a send slower than the lease', async () => {
    await createMeeting(env, ['guest@example.com']);
    const clock = runningFrom(env.t.clock);
    const leaseMs = 300;
    env.smtp.setReplyDelay(4 * leaseMs);
    const sending = worker(
      otherStore({ leaseMs }, clock),
      new SmtpTransport({ url: env.smtp.url(), from: FROM }),
      clock,
    );
    const rival = otherStore({ leaseMs }, clock);
    const arrived = env.smtp.waitForMessages(1);
    sending.start();
    let done = false;
    void arrived.then(() => (done = true));
    const takenByRival: ClaimedRow[] = [];
    // Probes every 20 ms while the send lasts four leases; a lapsed lease would hand it over.
    while (!done) {
      takenByRival.push(...(await rival.claimDue('email', 10)));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await sending.stop();

    expect(takenByRival).toEqual([]);
    expect(env.smtp.messages).toHaveLength(1);
    const [row] = await env.t.services.outbox.list({ limit: 10 });
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('two workers on one PostgreSQL database', () => {
  let env: InvitationEnv;
  const extraDbs: Db[] = [];
  beforeEach(async () => {
    env = await startInvitationEnv('postgres', 'admin');
  });
  afterEach(async () => {
    await Promise.all(extraDbs.splice(0).map((db) => db.destroy()));
    await env.close();
  });

  it('race for 200 rows and send each exactly once', async () => {
    const clock = runningFrom(env.t.clock);
    const sentBy = [{ count: 0 }, { count: 0 }];
    const workers = sentBy.map((sent) => {
      // Each worker over its own connection pool, as on two nodes.
      const db = openDatabase(env.t.config.database);
      extraDbs.push(db);
      const smtp = new SmtpTransport({ url: env.smtp.url(), from: FROM });
      const counting: EmailTransport = {
        send: async (message) => {
          sent.count += 1;
          await smtp.send(message);
        },
        close: () => smtp.close(),
      };
      // Small batches, so the two race for rows many times over.
      return worker(new OutboxStore(db, clock, 'postgres'), counting, clock, 4);
    });
    env.smtp.setReplyDelay(2);
    for (const w of workers) w.start();
    const meetingId = await createMeeting(env, guests(200));
    await env.smtp.waitForMessages(200);
    await Promise.all(workers.map((w) => w.stop()));

    const recipients = env.smtp.messages.map((m) => m.envelope.to.join(','));
    expect(recipients.sort()).toEqual(guests(200));
    const [first, second] = sentBy.map((sent) => sent.count) as [number, number];
    expect(first + second).toBe(200);
    expect(first, 'the first worker sent some').toBeGreaterThan(0);
    expect(second, 'the second worker sent some').toBeGreaterThan(0);
    const rows = await env.t.services.outbox.latestPerRecipient(meetingId);
    expect(rows).toHaveLength(200);
    // One claim per row: no row was ever taken by both workers.
    expect(rows.filter((r) => r.status !== 'sent' || r.attempts !== 1)).toEqual([]);
    console.log(`outbox-race: 200 rows, 2 workers, sent ${first} + ${second}`);
  });
});
