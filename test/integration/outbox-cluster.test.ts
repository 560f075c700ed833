/**
 * The outbox on two real nodes over one PostgreSQL database: both deliver, one is killed with
 * SIGKILL while it has messages claimed and in flight, and the other finishes them once their
 * lease runs out. Every invitee gets the invitation; a message sent twice (the relay accepted it
 * but the dead node never recorded that) carries the same Message-ID and the same calendar
 * event, so mail and calendar clients show one.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterMissing, startCluster, type Cluster } from '../support/cluster.js';
import { calendarOf } from '../support/invitation-env.js';
import { TestSmtpServer, type ReceivedMail } from '../support/smtp-server.js';

const INVITEES = 200;
const LEASE_SECONDS = 5;
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

function guests(from: number, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `guest${String(from + i).padStart(3, '0')}@example.com`,
  );
}

/** Resolves once `done()` holds, checking on every message the relay accepts. */
function whenMail(smtp: TestSmtpServer, done: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done()) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`not done within ${timeoutMs} ms: ${smtp.messages.length} messages`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      smtp.off('message', check);
    };
    smtp.on('message', check);
    check();
  });
}

const recipientOf = (mail: ReceivedMail) => mail.envelope.to.join(',');

describe.skipIf(clusterMissing())('outbox on two nodes, one killed mid-delivery', () => {
  let smtp: TestSmtpServer;
  let cluster: Cluster;
  let db: pg.Client;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    // A relay that takes 40 ms a message, over two connections per node: the 200 take a few
    // seconds, so the kill lands with messages claimed, in flight and still to send.
    smtp.setReplyDelay(40);
    cluster = await startCluster(2, {
      env: {
        SMTP_URL: smtp.url(),
        SMTP_MAX_CONNECTIONS: '2',
        DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      },
    });
    db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
  }, 120_000);
  afterAll(async () => {
    await db?.end();
    await cluster?.stop();
    await smtp?.stop();
  });

  async function login(nodeUrl: string): Promise<string> {
    const response = await fetch(`${nodeUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(response.status).toBe(200);
    const session = response.headers.getSetCookie().find((c) => c.startsWith('tertulia_session='));
    if (!session) throw new Error('login set no session cookie');
    return session.split(';')[0] as string;
  }

  async function createMeeting(nodeUrl: string, cookie: string, participants: string[]) {
    const response = await fetch(`${nodeUrl}/api/meetings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({
        name: 'All hands',
        participants,
        startsAt: '2030-03-05T10:00:00+01:00',
        timeZone: 'Europe/Madrid',
        emailReminderMinutes: null,
        smsReminderMinutes: null,
      }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
  }

  it('delivers every invitation after a kill -9, any duplicate with the same Message-ID', async () => {
    const [nodeA, nodeB] = cluster.nodes as [Cluster['nodes'][0], Cluster['nodes'][0]];
    const cookie = await login(nodeA.url);
    // One meeting on each node, so both workers wake at once rather than at their next poll.
    await Promise.all([
      createMeeting(nodeA.url, cookie, guests(0, INVITEES / 2)),
      createMeeting(nodeB.url, cookie, guests(INVITEES / 2, INVITEES / 2)),
    ]);

    await whenMail(smtp, () => smtp.messages.length >= INVITEES / 3, 30_000);
    await nodeA.kill('SIGKILL');
    const deliveredAtKill = smtp.messages.length;
    const killedAt = Date.now();

    const everyone = new Set(guests(0, INVITEES));
    const reached = () => new Set(smtp.messages.map(recipientOf));
    await whenMail(smtp, () => reached().size === everyone.size, (LEASE_SECONDS + 25) * 1000);
    const finishedMs = Date.now() - killedAt;
    // The survivor records each send after the relay's answer; wait for the last records.
    const unsent = async () =>
      Number(
        (await db.query<{ n: string }>("SELECT count(*) AS n FROM outbox WHERE status <> 'sent'"))
          .rows[0]?.n,
      );
    for (let tries = 0; (await unsent()) > 0; tries += 1) {
      expect(tries, 'rows still unsent').toBeLessThan(100);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect([...reached()].sort()).toEqual([...everyone].sort());
    const byRecipient = new Map<string, ReceivedMail[]>();
    for (const mail of smtp.messages) {
      byRecipient.set(recipientOf(mail), [...(byRecipient.get(recipientOf(mail)) ?? []), mail]);
    }
    let duplicates = 0;
    for (const [recipient, mails] of byRecipient) {
      const ids = new Set(mails.map((m) => m.parsed.messageId));
      expect(ids.size, `${recipient}: one Message-ID`).toBe(1);
      const events = new Set(mails.map((m) => JSON.stringify(calendarOf(m.parsed))));
      expect(events.size, `${recipient}: one calendar event`).toBe(1);
      duplicates += mails.length - 1;
    }
    // The dead node's claims came back after their lease and were sent by the survivor.
    const { rows } = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM outbox WHERE attempts > 1',
    );
    const takenOver = Number(rows[0]?.n);
    expect(takenOver, 'rows the killed node held').toBeGreaterThan(0);
    console.log(
      `outbox-cluster: ${INVITEES} invitations, 2 nodes, node A killed at ${deliveredAtKill} ` +
        `delivered: ${duplicates} duplicates, ${takenOver} rows taken over, all delivered ` +
        `${(finishedMs / 1000).toFixed(1)} s after the kill (lease ${LEASE_SECONDS} s)`,
    );
    expect(nodeB.running).toBe(true);
  }, 120_000);
});
