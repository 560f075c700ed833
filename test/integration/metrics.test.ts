import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenForMetrics } from '../../src/server/http/metrics-listener.js';
import { DeliveryError, type EmailMessage } from '../../src/server/invitations/messages.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';
import { parseMetrics, samplesOf, valueOf, type Sample } from '../support/prometheus.js';
import {
  MEDIA_ON,
  RoomClient,
  guestToken,
  listen,
  quickMeeting,
  roomUrl,
} from '../support/room-client.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const NODE_ID = 'node-under-test';

/** An email transport the test tells to refuse (as a busy mail server would) or accept. */
function switchableEmail() {
  const sent: EmailMessage[] = [];
  const transport = {
    refusing: true,
    sent,
    async send(message: EmailMessage) {
      if (transport.refusing) throw new DeliveryError('421 try again later', 'transient');
      sent.push(message);
    },
    async close() {},
  };
  return transport;
}

describe.each(databaseKinds)('GET /metrics (%s)', (kind) => {
  let t: TestApp;
  let cookie: string;
  const email = switchableEmail();

  beforeAll(async () => {
    t = await startTestApp(kind, { METRICS_TOKEN: TOKEN, NODE_ID }, () => ({
      email,
      sms: undefined,
    }));
    const admin = await t.createMember({ role: 'admin' });
    cookie = await t.login(admin.email, admin.password);
  });
  afterAll(async () => {
    await t.close();
  });

  async function scrape(): Promise<Sample[]> {
    const response = await t.app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(response.body);
  }

  it('refuses a request without the token, with a wrong one or another scheme: 401', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`, TOKEN]) {
      const response = await t.app.inject({
        url: '/metrics',
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.body).not.toContain('tertulia_');
    }
  });

  it('labels every series with the node', async () => {
    const samples = await scrape();
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.filter((s) => s.labels.node !== NODE_ID)).toEqual([]);
  });

  it('times requests by route pattern and status, never by URL', async () => {
    const meeting = await quickMeeting(t, cookie);
    for (let i = 0; i < 3; i += 1) {
      const response = await t.app.inject({
        url: `/api/meetings/${meeting.id}`,
        headers: { cookie },
      });
      expect(response.statusCode).toBe(200);
    }
    await t.app.inject({ url: '/api/no-such-thing' });
    const samples = await scrape();
    const route = { method: 'GET', route: '/api/meetings/:id', status: '200' };
    expect(valueOf(samples, 'tertulia_http_request_duration_seconds_count', route)).toBe(3);
    const sum = valueOf(samples, 'tertulia_http_request_duration_seconds_sum', route);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(3 * 5);
    expect(
      valueOf(samples, 'tertulia_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/meetings/quick',
        status: '201',
      }),
    ).toBe(1);
    expect(
      valueOf(samples, 'tertulia_http_request_duration_seconds_count', {
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(1);
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes(meeting.id)))).toBe(
      false,
    );
  });

  it('counts the rooms, participants and sockets on this node', async () => {
    const base = await listen(t);
    const meeting = await quickMeeting(t, cookie);
    const clients = await Promise.all(
      ['Ana', 'Luis'].map(async (name) => {
        const bearer = await guestToken(t, meeting.token, name);
        return RoomClient.connect(roomUrl(base, meeting.token), { bearer });
      }),
    );
    await clients[0]!.hello(MEDIA_ON);
    // The second socket is open but has not joined yet.
    let samples = await scrape();
    expect(valueOf(samples, 'tertulia_rooms')).toBe(1);
    expect(valueOf(samples, 'tertulia_room_participants')).toBe(1);
    expect(valueOf(samples, 'tertulia_websockets_open')).toBe(2);
    await clients[1]!.hello(MEDIA_ON);
    samples = await scrape();
    expect(valueOf(samples, 'tertulia_room_participants')).toBe(2);
    // p2p: no media server.
    expect(valueOf(samples, 'tertulia_janus_instances')).toBe(0);

    for (const client of clients) client.send({ type: 'leave' });
    await Promise.all(clients.map((client) => client.closed));
    await expect.poll(async () => valueOf(await scrape(), 'tertulia_websockets_open')).toBe(0);
    samples = await scrape();
    expect(valueOf(samples, 'tertulia_rooms')).toBe(0);
    expect(valueOf(samples, 'tertulia_room_participants')).toBe(0);
  });

  it('shows the outbox queue, its oldest message, and deliveries by channel and result', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie },
      payload: {
        name: 'Quarterly review',
        participants: ['ines@example.com', 'olga@example.com'],
        startsAt: '2030-03-05T10:00:00+01:00',
        timeZone: 'Europe/Madrid',
      },
    });
    expect(created.statusCode).toBe(201);
    let samples = await scrape();
    expect(valueOf(samples, 'tertulia_outbox_queued')).toBe(2);
    expect(valueOf(samples, 'tertulia_outbox_oldest_queued_seconds')).toBe(0);

    await t.services.worker.drain(); // the mail server says "try again later" to both
    t.clock.advanceMs(90_000);
    samples = await scrape();
    expect(
      valueOf(samples, 'tertulia_deliveries_total', { channel: 'email', result: 'retry' }),
    ).toBe(2);
    expect(samplesOf(samples, 'tertulia_deliveries_total', { result: 'sent' })).toEqual([]);
    expect(valueOf(samples, 'tertulia_outbox_queued')).toBe(2);
    expect(valueOf(samples, 'tertulia_outbox_oldest_queued_seconds')).toBe(90);

    email.refusing = false;
    t.clock.advanceMs(10 * 60_000); // past the retry delay
    await t.services.worker.drain();
    expect(email.sent).toHaveLength(2);
    samples = await scrape();
    expect(
      valueOf(samples, 'tertulia_deliveries_total', { channel: 'email', result: 'sent' }),
    ).toBe(2);
    expect(valueOf(samples, 'tertulia_outbox_queued')).toBe(0);
    expect(valueOf(samples, 'tertulia_outbox_oldest_queued_seconds')).toBe(0);
  });

  it('has the room bus delivery histogram, fed through observeBusDelivery', async () => {
    t.services.metrics.observeBusDelivery(3);
    t.services.metrics.observeBusDelivery(40);
    const samples = await scrape();
    expect(valueOf(samples, 'tertulia_bus_delivery_seconds_count')).toBe(2);
    expect(valueOf(samples, 'tertulia_bus_delivery_seconds_sum')).toBeCloseTo(0.043);
    expect(valueOf(samples, 'tertulia_bus_delivery_seconds_bucket', { le: '0.005' })).toBe(1);
  });

  it('serves the same text on a loopback port of its own, without a token', async () => {
    const listener = await listenForMetrics(t.services.metrics, 0, () => {});
    try {
      const response = await fetch(`http://127.0.0.1:${listener.port}/metrics`);
      expect(response.status).toBe(200);
      const samples = parseMetrics(await response.text());
      expect(valueOf(samples, 'tertulia_rooms')).toBe(0);
      expect((await fetch(`http://127.0.0.1:${listener.port}/`)).status).toBe(404);
    } finally {
      await listener.close();
    }
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 404, as if there were no such route, whatever the request says', async () => {
    for (const authorization of [undefined, 'Bearer ', 'Bearer anything-at-all']) {
      const response = await t.app.inject({
        url: '/metrics',
        headers: authorization ? { authorization } : {},
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});
