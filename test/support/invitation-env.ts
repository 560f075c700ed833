/**
 * An app wired to real local SMTP and SMPP servers, for invitation tests. Delivery is driven by
 * hand (`deliver`) with the test clock, so retries and backoff need no real waiting.
 */
import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { SmtpTransport } from '../../src/server/invitations/transports/smtp.js';
import { SmppTransport } from '../../src/server/invitations/transports/smpp.js';
import type { Delivery } from '../../src/shared/api.js';
import { startTestApp, type DatabaseKind, type TestApp } from './harness.js';
import { SmppTestServer } from './smpp-server.js';
import { TestSmtpServer } from './smtp-server.js';

export interface InvitationEnv {
  t: TestApp;
  smtp: TestSmtpServer;
  smsc: SmppTestServer;
  organizer: { cookie: string; email: string; id: string };
  /** Runs the worker until nothing is due, moving the clock past every retry delay. */
  deliver(rounds?: number): Promise<void>;
  deliveries(meetingId: string): Promise<Delivery[]>;
  /** Text messages the SMSC accepted, concatenated segments joined back into one. */
  smsReceived(): Array<{ to: string; text: string }>;
  close(): Promise<void>;
}

export async function startInvitationEnv(
  kind: DatabaseKind,
  organizerRole: 'member' | 'admin' = 'member',
): Promise<InvitationEnv> {
  const smtp = await TestSmtpServer.start();
  const smsc = await SmppTestServer.start();
  const t = await startTestApp(kind, { DELIVERY_RETRY_BASE_MS: '1000' }, () => ({
    email: new SmtpTransport({ url: smtp.url(), from: 'Tertulia <meetings@tertulia.test>' }),
    sms: new SmppTransport({ url: smsc.url(), source: 'Tertulia', bindTimeoutMs: 2_000 }),
  }));
  const member = await t.createMember({ displayName: 'Ana García', role: organizerRole });
  const cookie = await t.login(member.email, member.password);
  return {
    t,
    smtp,
    smsc,
    organizer: { cookie, email: member.email, id: member.id },
    async deliver(rounds = 8) {
      for (let i = 0; i < rounds; i += 1) {
        await t.services.worker.drain();
        // Past the longest backoff used in these tests (base 1 s, doubling, jittered).
        t.clock.advanceMs(10 * 60_000);
      }
    },
    async deliveries(meetingId) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/meetings/${meetingId}/deliveries`,
        headers: { cookie },
      });
      return (response.json() as { deliveries: Delivery[] }).deliveries;
    },
    smsReceived() {
      const accepted = smsc.submits.filter((s) => s.status === 0);
      const messages: Array<{ to: string; text: string }> = [];
      const byRef = new Map<string, { to: string; text: string }>();
      for (const part of accepted) {
        // UDH: 05 00 03 <ref> <total> <seq>; single-segment messages have none.
        if (!part.udh) {
          messages.push({ to: part.destination, text: part.text });
          continue;
        }
        const key = `${part.destination}:${part.udh[3]}`;
        const message = byRef.get(key) ?? { to: part.destination, text: '' };
        if (!byRef.has(key)) messages.push(message);
        byRef.set(key, message);
        message.text += part.text;
      }
      return messages;
    },
    async close() {
      await t.close();
      await smtp.stop();
      await smsc.stop();
    },
  };
}

/** The calendar part of a received invitation, parsed with ical.js. */
export function calendarOf(mail: ParsedMail) {
  const attachment = mail.attachments.find((a) => a.filename === 'invite.ics');
  if (!attachment) throw new Error('no invite.ics attachment');
  const calendar = new ICAL.Component(ICAL.parse(attachment.content.toString('utf8')));
  const event = calendar.getFirstSubcomponent('vevent');
  if (!event) throw new Error('no VEVENT');
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    uid: String(event.getFirstPropertyValue('uid')),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    status: String(event.getFirstPropertyValue('status')),
    summary: String(event.getFirstPropertyValue('summary')),
    start: (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString(),
  };
}
