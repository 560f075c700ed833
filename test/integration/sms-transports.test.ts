import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DeliveryError, type SmsMessage } from '../../src/server/invitations/messages.js';
import { decodeSms } from '../../src/server/invitations/sms-encoding.js';
import { HttpSmsTransport } from '../../src/server/invitations/transports/http-sms.js';
import {
  SmppTransport,
  type SmppTransportOptions,
} from '../../src/server/invitations/transports/smpp.js';
import { HttpSmsTestServer } from '../support/http-sms-server.js';
import {
  ESME_RINVDSTADR,
  ESME_ROK,
  ESME_RTHROTTLED,
  SmppTestServer,
} from '../support/smpp-server.js';

function sms(text: string, to = '+34612345678'): SmsMessage {
  return { channel: 'sms', to, text };
}

/** What `promise` was rejected with; fails the test if it resolved or threw something else. */
async function deliveryError(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

async function startSmpp(options: Partial<SmppTransportOptions> = {}) {
  const smsc = await SmppTestServer.start();
  const transport = new SmppTransport({
    url: smsc.url('Tertulia'),
    // Short so failure cases end quickly; a loopback bind takes milliseconds.
    bindTimeoutMs: 1_000,
    reconnectMinMs: 20,
    reconnectMaxMs: 100,
    ...options,
  });
  onTestFinished(async () => {
    await transport.close();
    await smsc.stop();
  });
  return { smsc, transport };
}

describe('SmppTransport', () => {
  it('binds as transmitter and submits a short GSM text to the number without +', async () => {
    const { smsc, transport } = await startSmpp();
    await transport.send(sms('Ana invites you to "Weekly sync". Join: https://x.test/m/abc'));

    expect(smsc.binds).toEqual([
      { command: 'bind_transmitter', systemId: 'tertulia', accepted: true },
    ]);
    expect(smsc.submits).toHaveLength(1);
    expect(smsc.submits[0]).toMatchObject({
      destination: '34612345678',
      destinationTon: 1,
      destinationNpi: 1,
      source: 'Tertulia',
      sourceTon: 5,
      sourceNpi: 0,
      dataCoding: 0x00,
      esmClass: 0x00,
      registeredDelivery: 0,
      udh: null,
      text: 'Ana invites you to "Weekly sync". Join: https://x.test/m/abc',
    });
    expect(smsc.submits[0]?.shortMessage.toString('latin1')).toBe(
      'Ana invites you to "Weekly sync". Join: https://x.test/m/abc',
    );
  });

  it('uses TON 1 / NPI 1 for a numeric sender', async () => {
    const { smsc, transport } = await startSmpp({ source: '+34911222333' });
    await transport.send(sms('Hi'));
    expect(smsc.submits[0]).toMatchObject({ source: '34911222333', sourceTon: 1, sourceNpi: 1 });
  });

  it('shares one bind between concurrent sends', async () => {
    const { smsc, transport } = await startSmpp();
    const texts = ['one', 'two', 'three', 'four', 'five'];
    await Promise.all(texts.map((text) => transport.send(sms(text))));
    expect(smsc.binds).toHaveLength(1);
    expect(smsc.submits.map((s) => s.text).sort()).toEqual([...texts].sort());
  });

  it('keeps the bind alive with enquire_link', async () => {
    const { smsc, transport } = await startSmpp({ enquireLinkIntervalMs: 20 });
    await transport.send(sms('Hi'));
    await smsc.waitFor(() => smsc.enquireLinks >= 2);
    expect(smsc.binds).toHaveLength(1);
  });

  it('splits a long text into concatenated segments that reassemble to it', async () => {
    const { smsc, transport } = await startSmpp();
    const text = `Weekly sync {planning} costs 5€ [really]. ${'All good here. '.repeat(22)}`;
    await transport.send(sms(text));

    const submits = smsc.submits;
    expect(submits.length).toBe(3);
    const reference = submits[0]?.udh?.[3];
    submits.forEach((submit, index) => {
      expect(submit.esmClass & 0x40).toBe(0x40);
      expect(submit.dataCoding).toBe(0x00);
      expect([...(submit.udh ?? [])]).toEqual([0x05, 0x00, 0x03, reference, 3, index + 1]);
    });
    expect(submits.map((s) => s.text).join('')).toBe(text);
    const segments = submits.map((s) => s.shortMessage);
    expect(decodeSms({ dataCoding: 0x00, segments })).toBe(text);
  });

  it('gives each long text to one number its own concatenation reference', async () => {
    const { smsc, transport } = await startSmpp();
    const text = `Weekly sync. ${'All good here. '.repeat(12)}`;
    // Drawn at random per message, two of these 64 would share a reference in all but 2 runs
    // in 10,000, and the handset would join their parts into one garbled text.
    for (let i = 0; i < 64; i += 1) await transport.send(sms(text));

    const firstParts = smsc.submits.filter((s) => s.udh?.[5] === 1);
    expect(firstParts).toHaveLength(64);
    expect(new Set(firstParts.map((s) => s.udh?.[3])).size).toBe(64);
  });

  it('sends an accented text as UCS-2 that decodes exactly, emoji included', async () => {
    const { smsc, transport } = await startSmpp();
    const short = 'María Núñez te invita a "Reunión" 😀';
    const long = `${short} ${'¿Vienes mañana a la reunión? '.repeat(4)}`;
    await transport.send(sms(short));
    await transport.send(sms(long));

    expect(smsc.submits[0]).toMatchObject({ dataCoding: 0x08, esmClass: 0x00, text: short });
    const parts = smsc.submits.slice(1);
    expect(parts.length).toBe(3);
    expect(parts.every((p) => p.dataCoding === 0x08 && p.esmClass === 0x40)).toBe(true);
    expect(parts.map((p) => p.text).join('')).toBe(long);
  });

  it('reports throttling as transient and delivers on the next try', async () => {
    const { smsc, transport } = await startSmpp();
    smsc.failNextSubmits(1, ESME_RTHROTTLED);

    const error = await deliveryError(transport.send(sms('Hi')));
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('ESME_RTHROTTLED');

    await transport.send(sms('Hi'));
    expect(smsc.submits.map((s) => s.status)).toEqual([ESME_RTHROTTLED, ESME_ROK]);
  });

  it('fails a whole long message transient when a later segment is throttled', async () => {
    const { smsc, transport } = await startSmpp();
    smsc.answerNextSubmits([ESME_ROK, ESME_RTHROTTLED]);

    const error = await deliveryError(transport.send(sms('z'.repeat(300))));
    expect(error.kind).toBe('transient');
    expect(smsc.submits).toHaveLength(2);
  });

  it('reports an invalid destination as permanent, naming the status', async () => {
    const { smsc, transport } = await startSmpp();
    smsc.failNextSubmits(1, ESME_RINVDSTADR);

    const error = await deliveryError(transport.send(sms('Hi')));
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('invalid destination address (ESME_RINVDSTADR');
  });

  it('rejects a number that is not E.164 as permanent without submitting', async () => {
    const { smsc, transport } = await startSmpp();
    const error = await deliveryError(transport.send(sms('Hi', '0034612345678')));
    expect(error.kind).toBe('permanent');
    expect(smsc.submits).toHaveLength(0);
  });

  it('fails transient while the SMSC is down and delivers again once it is back', async () => {
    const { smsc, transport } = await startSmpp();
    await transport.send(sms('before'));
    await smsc.stop();

    const error = await deliveryError(transport.send(sms('while down')));
    expect(error.kind).toBe('transient');

    await smsc.start();
    await transport.send(sms('after'));
    expect(smsc.submits.map((s) => s.text)).toEqual(['before', 'after']);
    expect(smsc.binds.filter((b) => b.accepted)).toHaveLength(2);
  });

  it('fails transient, naming the refusal and never the password, when the bind is refused', async () => {
    const smsc = await SmppTestServer.start({ password: 'other' });
    const logs: unknown[] = [];
    const record = (obj: unknown, msg: string) => void logs.push([obj, msg]);
    const transport = new SmppTransport({
      url: smsc.url().replace(':other@', ':hunter2@'),
      logger: { info: record, warn: record } as never,
    });
    onTestFinished(async () => {
      await transport.close();
      await smsc.stop();
    });

    const error = await deliveryError(transport.send(sms('Hi')));
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('ESME_RINVPASWD');
    expect(logs.length).toBeGreaterThan(0);
    expect(JSON.stringify(logs)).not.toContain('hunter2');
    expect(error.message).not.toContain('hunter2');
  });

  it('unbinds and ends the connection on close', async () => {
    const { smsc, transport } = await startSmpp();
    await transport.send(sms('Hi'));
    await transport.close();
    await smsc.waitFor(() => smsc.sessionCount === 0);
    expect(smsc.unbinds).toBe(1);
  });
});

async function startGateway(options: { token?: string; timeoutMs?: number } = {}) {
  const gateway = await HttpSmsTestServer.start();
  const transport = new HttpSmsTransport({
    url: gateway.url().replace('http://', 'http://:url-token@'),
    from: 'Tertulia',
    ...options,
  });
  onTestFinished(() => gateway.close());
  return { gateway, transport };
}

describe('HttpSmsTransport', () => {
  it('posts {to, from, text} as JSON with the bearer token from the URL; 202 is accepted', async () => {
    const { gateway, transport } = await startGateway();
    await transport.send(sms('María: "Weekly sync" 😀'));

    expect(gateway.requests).toHaveLength(1);
    const [request] = gateway.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v1/sms',
      body: { to: '+34612345678', from: 'Tertulia', text: 'María: "Weekly sync" 😀' },
    });
    expect(request?.headers.authorization).toBe('Bearer url-token');
    expect(request?.headers['content-type']).toBe('application/json');
  });

  it('prefers the token option over the URL password', async () => {
    const { gateway, transport } = await startGateway({ token: 'option-token' });
    await transport.send(sms('Hi'));
    expect(gateway.requests[0]?.headers.authorization).toBe('Bearer option-token');
  });

  it.each([
    [429, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [400, 'permanent'],
    [404, 'permanent'],
  ] as const)('reports status %i as %s with the body message', async (status, kind) => {
    const { gateway, transport } = await startGateway();
    gateway.answerNext(status, { message: `gateway says ${status}` });

    const error = await deliveryError(transport.send(sms('Hi')));
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(`SMS gateway answered ${status}: gateway says ${status}`);
  });

  it('reports a refused connection as transient', async () => {
    const closed = net.createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as net.AddressInfo;
    closed.close();
    await once(closed, 'close');
    const transport = new HttpSmsTransport({ url: `http://127.0.0.1:${port}/sms`, from: 'T' });

    const error = await deliveryError(transport.send(sms('Hi')));
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('reports a gateway that does not answer in time as transient', async () => {
    const { gateway, transport } = await startGateway({ timeoutMs: 200 });
    gateway.hangNext();

    const error = await deliveryError(transport.send(sms('Hi')));
    expect(error.kind).toBe('transient');
    expect(error.message).toContain('did not answer within 200 ms');
    expect(error.message).not.toContain('url-token');
  });
});
