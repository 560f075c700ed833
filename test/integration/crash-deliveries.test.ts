/**
 * `kill -9` of a lone server (SQLite) while its outbox worker is sending invitations to a real,
 * slow SMTP server, then a restart on the same data: every invitation arrives. A message sent
 * twice is only one the dead process had claimed (in flight: the relay took it, the 250 never
 * got written down), and both copies carry the same Message-ID and the same calendar event
 * (UID and SEQUENCE), so mail and calendar clients show one. The outbox on two PostgreSQL
 * nodes, one killed, is outbox-cluster.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/cluster.js';
import {
  loginAdmin,
  loneNodeMissing,
  startLoneNode,
  type LoneNode,
} from '../support/crash-node.js';
import { calendarOf } from '../support/invitation-env.js';
import { TestSmtpServer, type ReceivedMail } from '../support/smtp-server.js';

const MEETINGS = 3;
const INVITEES_EACH = 40;
const LEASE_SECONDS = 3;
const SMTP_CONNECTIONS = 2;
const KILL_AT_MESSAGE = 40;

const recipientOf = (mail: ReceivedMail) => mail.envelope.to.join(',');

describe.skipIf(loneNodeMissing())('deliveries across kill -9 of a lone server', () => {
  let smtp: TestSmtpServer;
  let lone: LoneNode;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    // 60 ms before each 250, over two connections: the 120 take a few seconds, so the kill
    // lands with messages accepted by the relay but not yet answered.
    smtp.setReplyDelay(60);
    lone = await startLoneNode('sqlite', {
      env: {
        SMTP_URL: smtp.url(),
        SMTP_MAX_CONNECTIONS: String(SMTP_CONNECTIONS),
        DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS),
      },
    });
  }, 60_000);
  afterAll(async () => {
    await lone?.stop();
    await smtp?.stop();
  });

  it('every invitation arrives; duplicates only of messages in flight, same Message-ID and event', async () => {
    const cookie = await loginAdmin(lone.node.url);
    const everyone: string[] = [];
    for (let m = 0; m < MEETINGS; m += 1) {
      const participants = Array.from(
        { length: INVITEES_EACH },
        (_, i) => `m${m}guest${String(i).padStart(2, '0')}@example.com`,
      );
      everyone.push(...participants);
      const response = await fetch(`${lone.node.url}/api/meetings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({
          name: `Delivery crash ${m}`,
          participants,
          startsAt: '2030-03-05T10:00:00+01:00',
          timeZone: 'Europe/Madrid',
          // Invitations only: reminders would wait until 2030 (reminders.test.ts sends those).
          emailReminderMinutes: null,
          smsReminderMinutes: null,
        }),
      });
      expect(response.status, await response.clone().text()).toBe(201);
    }

    // Killed the moment the relay takes the 40th message, before its 250 (60 ms later): that
    // message, at least, is in flight, and must go again after the restart.
    const killed = new Promise<void>((resolve) => {
      const onMessage = () => {
        if (smtp.messages.length < KILL_AT_MESSAGE) return;
        smtp.off('message', onMessage);
        void lone.node.kill('SIGKILL').then(() => resolve());
      };
      smtp.on('message', onMessage);
    });
    await killed;
    const deliveredAtKill = smtp.messages.length;
    // What the dead process had claimed and not recorded as sent: the only rows that may go twice.
    const claimed = await lone.query<{ participant_address: string }>(
      "SELECT participant_address FROM outbox WHERE status = 'queued' AND locked_until IS NOT NULL",
    );
    const unrecorded = new Set(claimed.map((r) => r.participant_address));
    const killedAt = Date.now();
    await lone.node.restart();
    const restartedMs = Date.now() - killedAt;

    const reached = () => new Set(smtp.messages.map(recipientOf));
    await waitFor('every invitation', async () => reached().size === everyone.length, 60_000);
    const finishedMs = Date.now() - killedAt;
    await waitFor(
      'every row recorded as sent',
      async () =>
        Number(
          (
            await lone.query<{ n: number }>(
              "SELECT count(*) AS n FROM outbox WHERE status <> 'sent'",
            )
          )[0]?.n,
        ) === 0,
      30_000,
    );

    expect([...reached()].sort()).toEqual([...everyone].sort());
    const byRecipient = new Map<string, ReceivedMail[]>();
    for (const mail of smtp.messages) {
      byRecipient.set(recipientOf(mail), [...(byRecipient.get(recipientOf(mail)) ?? []), mail]);
    }
    let duplicates = 0;
    for (const [recipient, mails] of byRecipient) {
      if (mails.length === 1) continue;
      duplicates += mails.length - 1;
      expect(unrecorded.has(recipient), `${recipient} sent twice but not in flight`).toBe(true);
      expect(new Set(mails.map((m) => m.parsed.messageId)).size, `${recipient}: Message-ID`).toBe(
        1,
      );
      const events = new Set(mails.map((m) => JSON.stringify(calendarOf(m.parsed))));
      expect(events.size, `${recipient}: one calendar event (UID, SEQUENCE)`).toBe(1);
    }
    // In flight at the kill: at most one message per SMTP connection waiting for its 250, and
    // one whose 250 came but was not written down yet.
    expect(duplicates).toBeLessThanOrEqual(2 * SMTP_CONNECTIONS);
    expect(duplicates, 'the message taken at the kill went again').toBeGreaterThanOrEqual(1);
    expect(smtp.messages.length).toBe(everyone.length + duplicates);
    console.log(
      `crash-deliveries (sqlite, 1 node): ${everyone.length} invitations, killed at ` +
        `${deliveredAtKill} delivered, ${unrecorded.size} claimed and unsent; ` +
        `${duplicates} duplicates; ` +
        `restart ${(restartedMs / 1000).toFixed(1)} s, all delivered ` +
        `${(finishedMs / 1000).toFixed(1)} s after the kill (lease ${LEASE_SECONDS} s)`,
    );
  }, 120_000);
});
