/**
 * The SMTP transport against a real SMTP server: what arrives, and how each kind of failure
 * is reported to the outbox worker.
 */
import { once } from 'node:events';
import ICAL from 'ical.js';
import type { Attachment } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { InvitationContent } from '../../src/server/invitations/content.js';
import { DeliveryError, type EmailMessage } from '../../src/server/invitations/messages.js';
import { renderEmail } from '../../src/server/invitations/render-email.js';
import {
  SmtpTransport,
  toDeliveryError,
  type SmtpTransportOptions,
} from '../../src/server/invitations/transports/smtp.js';
import { TestSmtpServer, type TestSmtpServerOptions } from '../support/smtp-server.js';

const FROM = 'Tertulia <meetings@example.com>';

function invitation(overrides: Partial<InvitationContent> = {}): InvitationContent {
  return {
    kind: 'invite',
    language: 'en',
    meeting: {
      id: 'mtg_42',
      name: 'Weekly sync',
      startsAt: '2030-03-31T00:30:00.000Z',
      durationMinutes: 120,
      timeZone: 'Europe/Madrid',
      joinUrl: 'https://meet.example.com/j/abcdef',
      sequence: 1,
      password: '04812345',
    },
    organizer: { displayName: 'Ana Gómez', email: 'ana@example.com' },
    attendeeEmails: ['bob@example.org'],
    domain: 'meet.example.com',
    organization: { name: 'Tertulia', logoUrl: null },
    ...overrides,
  };
}

let counter = 0;
function email(overrides: Partial<InvitationContent> = {}): EmailMessage {
  counter += 1;
  return renderEmail(invitation(overrides), 'bob@example.org', `<out_${counter}@meet.example.com>`);
}

// Each test gets its own server and transport; afterEach closes whatever the test opened.
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function setup(
  options: { server?: TestSmtpServerOptions; transport?: Partial<SmtpTransportOptions> } = {},
) {
  const server = await TestSmtpServer.start(options.server);
  const transport = new SmtpTransport({ url: server.url(), from: FROM, ...options.transport });
  cleanups.push(
    () => transport.close(),
    () => server.stop(),
  );
  return { server, transport };
}

/** The DeliveryError a send fails with; fails the test if the send succeeds. */
async function failure(send: Promise<void>): Promise<DeliveryError> {
  const error = await send.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

function calendarOf(part: Attachment) {
  const calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
  const event = calendar.getFirstSubcomponent('vevent')!;
  const time = (name: string) => (event.getFirstPropertyValue(name) as ICAL.Time).toJSDate();
  return { calendar, event, time };
}

describe('SmtpTransport', () => {
  it('delivers an invitation with both bodies, the calendar alternative and invite.ics', async () => {
    const { server, transport } = await setup();
    const message = email();

    await transport.send(message);

    expect(server.messages).toHaveLength(1);
    const { envelope, parsed, raw } = server.messages[0]!;
    expect(envelope).toEqual({ from: 'meetings@example.com', to: ['bob@example.org'] });
    expect(parsed.from?.value).toEqual([{ name: 'Tertulia', address: 'meetings@example.com' }]);
    expect(parsed.to).toMatchObject({ value: [{ address: 'bob@example.org' }] });
    expect(parsed.subject).toBe(message.subject);
    expect(parsed.subject).toBe('Invitation: Weekly sync — Sun 31 Mar 2030 01:30 (Europe/Madrid)');
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.text).toBe(message.text);
    expect(parsed.html).toBe(message.html);

    // The calendar alternative sits beside text and HTML; the attachment after them.
    const source = raw.toString('utf8');
    expect(source).toMatch(/Content-Type: multipart\/alternative/);
    expect(source).toContain('Content-Type: text/calendar; charset=utf-8; method=REQUEST');
    const calendarPart = parsed.attachments.filter((a) => a.contentType === 'text/calendar');
    const files = parsed.attachments.filter((a) => a.filename === 'invite.ics');
    expect(calendarPart).toHaveLength(1);
    expect(files).toHaveLength(1);
    expect(files[0]!.contentType).toBe('application/ics');
    expect(files[0]!.contentDisposition).toBe('attachment');

    for (const part of [calendarPart[0]!, files[0]!]) {
      const { calendar, event, time } = calendarOf(part);
      expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
      expect(event.getFirstPropertyValue('uid')).toBe('mtg_42@meet.example.com');
      expect(event.getFirstPropertyValue('sequence')).toBe(1);
      expect(event.getFirstPropertyValue('summary')).toBe('Weekly sync');
      expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
      expect(time('dtstart').toISOString()).toBe('2030-03-31T00:30:00.000Z');
      expect(time('dtend').toISOString()).toBe('2030-03-31T02:30:00.000Z');
    }
  });

  it('delivers a cancellation with a method=CANCEL calendar part', async () => {
    const { server, transport } = await setup();
    const message = email({ kind: 'cancel', language: 'es' });

    await transport.send(message);

    const { parsed, raw } = server.messages[0]!;
    expect(parsed.subject).toBe('Cancelada: Weekly sync — dom 31 mar 2030 01:30 (Europe/Madrid)');
    expect(raw.toString('utf8')).toContain(
      'Content-Type: text/calendar; charset=utf-8; method=CANCEL',
    );
    const file = parsed.attachments.find((a) => a.filename === 'invite.ics')!;
    const { calendar, event } = calendarOf(file);
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
  });

  it('reports a 451 reply as transient and delivers on the next try', async () => {
    const { server, transport } = await setup();
    server.refuseNext(1, 451, 'Requested action aborted: local error in processing');
    const message = email();

    const error = await failure(transport.send(message));
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('451 Requested action aborted');
    expect(server.messages).toHaveLength(0);

    await transport.send(message);
    expect(server.messages.map((m) => m.parsed.messageId)).toEqual([message.messageId]);
  });

  it('reports a 550 reply to the message as permanent, with the server reply', async () => {
    const { server, transport } = await setup();
    server.refuseNext(1, 550, 'mailbox unavailable');

    const error = await failure(transport.send(email()));

    expect(error.kind).toBe('permanent');
    expect(error.message).toBe('The mail server refused the message: 550 mailbox unavailable');
    expect(server.messages).toHaveLength(0);
  });

  it('reports a 550 reply to the recipient as permanent, with the server reply', async () => {
    const { server, transport } = await setup();
    server.refuseNext(1, 550, 'No such user here', 'rcpt');

    const error = await failure(transport.send(email()));

    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('550 No such user here');
  });

  it('reports a server that is down as transient', async () => {
    const { server, transport } = await setup();
    await server.stop();

    const error = await failure(transport.send(email()));

    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('reports a connection dropped in the middle of DATA as transient, without retrying', async () => {
    const { server, transport } = await setup();
    server.dropNext(1);
    const dropped = once(server, 'dropped');

    const error = await failure(transport.send(email()));

    await dropped;
    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/ECONNECTION/);
    expect(server.messages).toHaveLength(0);
    await transport.send(email());
    expect(server.messages).toHaveLength(1);
  });

  it('reports a server that does not answer within the socket timeout as transient', async () => {
    const { server, transport } = await setup({ transport: { socketTimeoutMs: 200 } });
    server.setReplyDelay(10_000);

    const error = await failure(transport.send(email()));

    expect(error.kind).toBe('transient');
    expect(error.message).toMatch(/ETIMEDOUT/);
  });

  it('delivers again after the server restarts on the same port', async () => {
    const { server, transport } = await setup();
    await transport.send(email());
    const port = server.port;

    await server.stop();
    expect((await failure(transport.send(email()))).kind).toBe('transient');
    await server.start();
    await transport.send(email());

    expect(server.port).toBe(port);
    expect(server.messages).toHaveLength(2);
  });

  it('reuses pooled connections instead of opening one per message', async () => {
    const { server, transport } = await setup({ transport: { maxConnections: 2 } });

    for (let i = 0; i < 3; i += 1) await transport.send(email());
    await Promise.all(Array.from({ length: 6 }, () => transport.send(email())));

    expect(server.messages).toHaveLength(9);
    expect(new Set(server.messages.map((m) => m.parsed.messageId)).size).toBe(9);
    expect(server.connectionCount).toBeLessThanOrEqual(2);
  });

  it('logs in with the credentials of the URL', async () => {
    const credentials = { user: 'tertulia', pass: 's3cr%t:pass' };
    const { server, transport } = await setup({ server: { auth: credentials } });

    await transport.send(email());

    expect(server.messages).toHaveLength(1);
  });

  it('reports rejected credentials as transient, without the password', async () => {
    const { server } = await setup({ server: { auth: { user: 'tertulia', pass: 'right' } } });
    const transport = new SmtpTransport({
      url: server.url({ user: 'tertulia', pass: 'wrong-Pa55word' }),
      from: FROM,
    });
    cleanups.push(() => transport.close());

    const error = await failure(transport.send(email()));

    expect(error.kind).toBe('transient');
    expect(error.message).toContain('535');
    expect(error.message).not.toContain('wrong-Pa55word');
    expect(server.messages).toHaveLength(0);
  });

  it('refuses a URL that is not SMTP without echoing it', () => {
    const create = (url: string) => () => new SmtpTransport({ url, from: FROM });

    expect(create('http://user:hunter2@mail.example.com')).toThrow(/smtp:\/\/ or smtps:\/\//);
    expect(create('not a url hunter2')).toThrow('SMTP_URL is not a valid URL');
    expect(create('not a url hunter2')).not.toThrow(/hunter2/);
  });
});

describe('toDeliveryError', () => {
  const REFUSED = 'The mail server refused the message: ';
  const DEFERRED = 'The mail server deferred the message: ';
  const UNREACHED = 'Could not deliver to the mail server ';
  const fail = (props: Record<string, unknown>) =>
    Object.assign(new Error(String(props.message ?? 'failed')), props);

  // prettier-ignore
  const cases: [string, Record<string, unknown>, DeliveryError['kind'], string][] = [
    ['421', { responseCode: 421, response: '421 Closing' }, 'transient', `${DEFERRED}421 Closing`],
    ['503', { responseCode: 503, response: '503 Bad sequence' }, 'transient', `${DEFERRED}503 Bad sequence`],
    ['552', { responseCode: 552, response: '552 Too big' }, 'permanent', `${REFUSED}552 Too big`],
    ['a multi-line 550', { responseCode: 550, response: '550-No such\r\n550 user' }, 'permanent', `${REFUSED}550-No such 550 user`],
    ['535 to our login', { code: 'EAUTH', responseCode: 535, response: '535 Bad login' }, 'transient', 'The mail server refused our login: 535 Bad login'],
    ['a reset socket', { code: 'ESOCKET', originalCode: 'ECONNRESET', message: 'read ECONNRESET' }, 'transient', `${UNREACHED}(ESOCKET/ECONNRESET): read ECONNRESET`],
    ['an unknown host', { code: 'EDNS', message: 'getaddrinfo ENOTFOUND' }, 'transient', `${UNREACHED}(EDNS): getaddrinfo ENOTFOUND`],
    ['no valid recipient', { code: 'EENVELOPE', message: 'No recipients defined' }, 'permanent', 'The message could not be sent: No recipients defined'],
    ['an unclassified error', { message: 'boom' }, 'transient', `${UNREACHED}(UNKNOWN): boom`],
  ];

  it.each(cases)('maps %s', (_name, props, kind, message) => {
    const error = toDeliveryError(fail(props));

    expect(error.kind).toBe(kind);
    expect(error.message).toBe(message);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('keeps a password out of the reason', () => {
    const error = toDeliveryError(fail({ code: 'EAUTH', message: 'bad s3cret!' }), ['s3cret!']);

    expect(error.message).toBe(`${UNREACHED}(EAUTH): bad ***`);
  });
});
