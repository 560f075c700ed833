/**
 * A real `node dist/server/main.js` process over PostgreSQL and a private Redis: readiness
 * while Redis is down, and what SIGTERM does (the rolling deploy's step). Build first:
 * `npm run build:server`.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/shared/signaling.js';
import {
  TestBalancer,
  TestNode,
  TestRedis,
  clusterMissing,
  freePort,
  nginxMissing,
  startCluster,
  type Cluster,
} from '../support/cluster.js';
import { parseMetrics, valueOf } from '../support/prometheus.js';
import { createPostgresDatabase } from '../support/harness.js';
import { MEDIA_ON, RoomClient, roomUrl } from '../support/room-client.js';

const missing = clusterMissing();
const balancerMissing = missing ?? nginxMissing();
const METRICS_TOKEN = 'metrics-token-must-stay-secret';
const REDIS_PASSWORD = 'redis-password-must-stay-secret';
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

/** The first admin's session cookie at `base`. */
async function loginAt(base: string): Promise<{ cookie: string }> {
  const login = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie };
}

/** A quick meeting, made by the first admin, and a guest's bearer token for its room. */
async function guestPass(base: string): Promise<{ token: string; bearer: string }> {
  const { cookie } = await loginAt(base);
  const quick = await fetch(`${base}/api/meetings/quick`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: '{}',
  });
  expect(quick.status).toBe(201);
  const token = ((await quick.json()) as { joinUrl: string }).joinUrl.split('/m/')[1]!;
  const join = await fetch(`${base}/api/join/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'Ana' }),
  });
  expect(join.status).toBe(201);
  return { token, bearer: ((await join.json()) as { token: string }).token };
}

/** A guest in a quick meeting's room, joined through `base` (a node or the balancer). */
async function guestInRoom(base: string): Promise<RoomClient> {
  const { token, bearer } = await guestPass(base);
  const client = await RoomClient.connect(roomUrl(base.replace('http', 'ws'), token), { bearer });
  await client.hello(MEDIA_ON);
  return client;
}

describe.skipIf(missing !== undefined)(
  `a node's readiness and draining${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let redis: TestRedis;
    let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
    let dataDir: string;
    let node: TestNode;

    beforeAll(async () => {
      redis = await TestRedis.start();
      database = await createPostgresDatabase();
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-draining-'));
      const port = await freePort();
      node = await TestNode.start({
        port,
        databaseUrl: database.url,
        // Redis asks for no password; ioredis sends it anyway, so it passes through the node.
        redisUrl: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redis.port}/0`,
        dataDir,
        publicUrl: `http://127.0.0.1:${port}`,
        env: {
          METRICS_TOKEN,
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          // Every request logged: the token must not be in those lines either.
          LOG_LEVEL: 'debug',
        },
      });
    }, 90_000);
    afterAll(async () => {
      if (node?.running) await node.kill('SIGKILL');
      await redis?.stop();
      await database?.drop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    async function readyz(): Promise<{ status: number; body: unknown }> {
      const response = await fetch(`${node.url}/readyz`);
      return { status: response.status, body: await response.json() };
    }

    it('is ready with PostgreSQL and Redis up, 503 naming Redis while it is down, ready again after', async () => {
      expect(await readyz()).toEqual({
        status: 200,
        body: { status: 'ready', checks: { database: 'up', redis: 'up' } },
      });
      await redis.stop();
      await expect.poll(readyz, { timeout: 5_000 }).toEqual({
        status: 503,
        body: { status: 'unavailable', checks: { database: 'up', redis: 'down' } },
      });
      // Liveness is another question: restarting the node would not bring Redis back.
      expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
      await redis.startAgain();
      await expect.poll(async () => (await readyz()).status, { timeout: 10_000 }).toBe(200);
    });

    it('on SIGTERM says 503 at once, tells room sockets NODE_DRAINING, and exits 0 within 10 s', async () => {
      const guest = await guestInRoom(node.url);
      const metrics = await fetch(`${node.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(metrics.status).toBe(200);

      const started = Date.now();
      const exited = node.kill('SIGTERM');
      await expect
        .poll(readyz, { interval: 20, timeout: 1_000 })
        .toEqual({ status: 503, body: { status: 'draining' } });
      const refused = await fetch(`${node.url}/api/me`);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ code: 'NODE_DRAINING' });

      expect(await guest.closed).toEqual({
        code: CLOSE_CODES.NODE_DRAINING,
        reason: 'NODE_DRAINING',
      });
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(node.output).toContain('"msg":"shut down"');
    }, 20_000);

    it('exits with code 1 at the deadline when something hangs (a mail server that never greets)', async () => {
      const sockets: net.Socket[] = [];
      const silent = net.createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const connected = new Promise((resolve) => silent.once('connection', resolve));
      const port = await freePort();
      const hung = await TestNode.start({
        ...node.options,
        port,
        publicUrl: `http://127.0.0.1:${port}`,
        dataDir: path.join(dataDir, 'hung'),
        env: {
          ...node.options.env,
          SMTP_URL: `smtp://127.0.0.1:${(silent.address() as net.AddressInfo).port}`,
        },
      });
      try {
        const { cookie } = await loginAt(hung.url);
        const created = await fetch(`${hung.url}/api/meetings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify({
            name: 'Planning',
            participants: ['ines@example.com'],
            startsAt: new Date(Date.now() + 86_400_000).toISOString(),
            timeZone: 'Europe/Madrid',
          }),
        });
        expect(created.status).toBe(201);
        await connected; // the invitation is being sent, and its server says nothing

        const started = Date.now();
        expect(await hung.kill('SIGTERM')).toBe(1);
        const tookMs = Date.now() - started;
        expect(tookMs).toBeGreaterThan(8_000);
        expect(tookMs).toBeLessThan(10_000);
        expect(hung.output).toContain('exiting anyway');
      } finally {
        if (hung.running) await hung.kill('SIGKILL');
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    }, 30_000);

    it('wrote every log line with its node id, and neither the metrics token nor the Redis password', () => {
      const lines = node.output.split('\n').filter((line) => line.startsWith('{'));
      expect(lines.length).toBeGreaterThan(5);
      const nodeIds = new Set(lines.map((line) => (JSON.parse(line) as { node?: string }).node));
      expect([...nodeIds]).toEqual([`node-${node.options.port}`]);
      // Request lines (LOG_LEVEL=debug) come from Fastify's logger: they carry it too.
      expect(lines.some((line) => line.includes('"url":"/api/meetings/quick"'))).toBe(true);
      expect(node.output).not.toContain(METRICS_TOKEN);
      expect(node.output).not.toContain(REDIS_PASSWORD);
    });
  },
);

describe.skipIf(balancerMissing !== undefined)(
  `a rolling restart behind nginx${balancerMissing ? ` (skipped: ${balancerMissing})` : ''}`,
  () => {
    let cluster: Cluster;
    let balancer: TestBalancer;

    beforeAll(async () => {
      const port = await freePort();
      cluster = await startCluster(2, {
        env: { METRICS_TOKEN, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
        publicUrl: () => `http://127.0.0.1:${port}`,
      });
      balancer = await TestBalancer.start(
        cluster.nodes.map((node) => node.options.port),
        port,
      );
    }, 120_000);
    afterAll(async () => {
      await balancer?.stop();
      await cluster?.stop();
    });

    async function participantsOn(node: TestNode): Promise<number> {
      const response = await fetch(`${node.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      return valueOf(parseMetrics(await response.text()), 'tertulia_room_participants');
    }

    it('keeps /metrics away from the internet: the balancer answers 404', async () => {
      const response = await fetch(`${balancer.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(response.status).toBe(404);
    });

    it('sends a drained room socket, and every request meanwhile, to the other node at once', async () => {
      const { token, bearer } = await guestPass(balancer.url);
      const url = roomUrl(balancer.url.replace('http', 'ws'), token);
      const guest = await RoomClient.connect(url, { bearer });
      await guest.hello(MEDIA_ON);
      const counts = await Promise.all(cluster.nodes.map(participantsOn));
      const draining = cluster.nodes[counts.indexOf(1)]!;
      const staying = cluster.nodes.find((node) => node !== draining)!;

      const exited = draining.kill('SIGTERM');
      // While it drains, nginx takes its 503s to the other node: nobody sees one.
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        statuses.push(
          (
            await fetch(`${balancer.url}/api/join/${token}/me`, {
              headers: { authorization: `Bearer ${bearer}` },
            })
          ).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);

      expect((await guest.closed).code).toBe(CLOSE_CODES.NODE_DRAINING);
      // What the browser does: reconnect at once, through the balancer.
      const started = Date.now();
      const again = await RoomClient.connect(url, { bearer });
      await again.hello(MEDIA_ON);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await participantsOn(staying)).toBe(1);
      expect(await exited).toBe(0);
      again.close();
    }, 30_000);
  },
);
