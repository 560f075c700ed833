/**
 * Passing the lobby (POST /api/join/:token) is limited per source address: each pass makes a
 * guest session, a credential with its own room allowances, so they must not come free. Past
 * JOIN_RATE_LIMIT_PER_MINUTE an address gets 429 RATE_LIMITED with Retry-After; other
 * addresses are untouched; a forged X-Forwarded-For changes nothing (TRUST_PROXY is off). With
 * REDIS_URL the count is shared: spreading joins over two nodes gains nothing.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../src/shared/errors.js';
import type { ErrorBody } from '../../src/shared/api.js';
import { loadConfig } from '../../src/server/config.js';
import { createServices, openRedis, openStorage, type Services } from '../../src/server/compose.js';
import { buildApp } from '../../src/server/http/app.js';
import type { Db } from '../../src/server/storage/database.js';
import { systemClock } from '../../src/server/clock.js';
import type { RedisLink } from '../../src/server/redis/redis-link.js';
import {
  createPostgresDatabase,
  databaseKinds,
  startTestApp,
  type TestApp,
} from '../support/harness.js';
import { TestRedis, redisMissing } from '../support/cluster.js';
import { quickMeeting } from '../support/room-client.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const LIMIT = 3;

function join(app: FastifyInstance, token: string, remoteAddress: string, headers = {}) {
  return app.inject({
    method: 'POST',
    url: `/api/join/${token}`,
    remoteAddress,
    headers,
    payload: { displayName: 'Guest' },
  });
}

describe.concurrent.each(databaseKinds)('lobby pass rate limit (%s)', (kind) => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp(kind, { JOIN_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    const organizer = await t.createMember();
    cookie = await t.login(organizer.email, organizer.password);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 RATE_LIMITED with Retry-After once an address passes the per-minute limit', async () => {
    const { id, token } = await quickMeeting(t, cookie);
    const address = '198.51.100.30';
    for (let i = 0; i < LIMIT; i += 1) {
      expect((await join(t.app, token, address)).statusCode).toBe(201);
    }
    const limited = await join(t.app, token, address);
    expect(limited.statusCode).toBe(429);
    expect(limited.json<ErrorBody>()).toEqual({
      code: 'RATE_LIMITED',
      message: ERROR_CATALOG.RATE_LIMITED.message,
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // No guest session was made for the refused one.
    const sessions = await t.db
      .selectFrom('guest_sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('meeting_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(Number(sessions.n)).toBe(LIMIT);

    // Another address is not affected.
    expect((await join(t.app, token, '198.51.100.31')).statusCode).toBe(201);
  });

  it('cannot be dodged with a forged X-Forwarded-For', async () => {
    const { token } = await quickMeeting(t, cookie);
    const address = '198.51.100.40';
    const codes: number[] = [];
    for (const forged of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) {
      codes.push((await join(t.app, token, address, { 'x-forwarded-for': forged })).statusCode);
    }
    expect(codes).toEqual([201, 201, 201, 429]);
  });
});

// Several nodes need PostgreSQL (config.ts refuses REDIS_URL over SQLite).
const clusterMissing = process.env.TEST_DATABASE_URL ? redisMissing() : 'no TEST_DATABASE_URL';

describe.skipIf(clusterMissing !== undefined)('lobby pass rate limit across nodes (Redis)', () => {
  let redis: TestRedis;
  let dropDatabase: (() => Promise<void>) | undefined;
  let dataDir: string;
  let db: Db;
  let nodes: Array<{ app: FastifyInstance; services: Services; link: RedisLink }>;
  let token: string;

  beforeAll(async () => {
    redis = await TestRedis.start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-join-limit-'));
    const database = await createPostgresDatabase();
    dropDatabase = database.drop;
    const config = (nodeId: string) =>
      loadConfig({
        DATA_DIR: dataDir,
        PUBLIC_URL: 'http://tertulia.test',
        LOG_LEVEL: 'silent',
        MEDIA: 'p2p',
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        NODE_ID: nodeId,
        JOIN_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      });
    // Two nodes over one database and one Redis, as a scaled-out deployment.
    db = await openStorage(config('a'));
    nodes = [];
    for (const nodeId of ['a', 'b']) {
      const nodeConfig = config(nodeId);
      const link = (await openRedis(nodeConfig))!;
      const services = createServices(db, nodeConfig, systemClock, undefined, undefined, link);
      const app = await buildApp({
        config: nodeConfig,
        services,
        logger: false,
        webDir: path.join(dataDir, 'no-web'),
      });
      await app.ready();
      nodes.push({ app, services, link });
    }
    const organizer = await nodes[0]!.services.members.create({
      email: 'organizer@example.org',
      username: 'organizer',
      displayName: 'Organizer',
      role: 'member',
      password: 'correct horse battery staple',
    });
    const login = await nodes[0]!.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: 'organizer@example.org', password: 'correct horse battery staple' },
    });
    expect(login.statusCode, organizer.id).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const quick = await nodes[0]!.app.inject({
      method: 'POST',
      url: '/api/meetings/quick',
      headers: { cookie },
      payload: {},
    });
    token = quick.json<{ joinUrl: string }>().joinUrl.split('/m/')[1]!;
  });
  afterAll(async () => {
    for (const node of nodes ?? []) {
      await node.services.worker.stop();
      await node.app.close();
      await node.link.close();
    }
    await db?.destroy();
    await dropDatabase?.();
    await redis?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts one address across nodes', async () => {
    const address = '198.51.100.50';
    const codes: number[] = [];
    for (let i = 0; i <= LIMIT; i += 1) {
      codes.push((await join(nodes[i % 2]!.app, token, address)).statusCode);
    }
    expect(codes).toEqual([201, 201, 201, 429]);
  });
});
