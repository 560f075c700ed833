import Fastify, { type FastifyInstance } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedis, redisMissing } from '../../../test/support/cluster.js';
import { RedisLink } from '../redis/redis-link.js';
import { installErrorHandler } from './error-handler.js';
import { redisRateLimitStore } from './redis-rate-limit-store.js';

const quiet = { info() {}, warn() {} };

/** One "node": the plugin over its own link to the shared Redis, as app.ts registers it. */
async function node(link: RedisLink): Promise<FastifyInstance> {
  const app = Fastify();
  installErrorHandler(app);
  await app.register(fastifyRateLimit, {
    global: false,
    store: redisRateLimitStore(link),
    skipOnError: false,
  });
  const limit = { max: 2, timeWindow: 60_000 };
  app.post('/login', { config: { rateLimit: limit } }, async () => ({ ok: true }));
  app.post('/upload', { config: { rateLimit: { ...limit, skipOnError: true } } }, async () => ({
    ok: true,
  }));
  return app;
}

describe.skipIf(redisMissing() !== undefined)('RedisRateLimitStore', () => {
  let redis: TestRedis;
  let links: RedisLink[];
  let a: FastifyInstance;
  let b: FastifyInstance;
  beforeAll(async () => {
    redis = await TestRedis.start();
    links = [await RedisLink.open(redis.url, quiet), await RedisLink.open(redis.url, quiet)];
    [a, b] = [await node(links[0]!), await node(links[1]!)];
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), ...links.map((link) => link.close())]);
    await redis.stop();
  });

  const post = (app: FastifyInstance, url: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url, remoteAddress });

  it('counts one client across nodes and answers 429 RATE_LIMITED with Retry-After past the limit', async () => {
    const client = '198.51.100.1';
    expect((await post(a, '/login', client)).statusCode).toBe(200);
    expect((await post(b, '/login', client)).statusCode).toBe(200);
    for (const app of [a, b]) {
      const limited = await post(app, '/login', client);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(55);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
  });

  it('keeps clients and routes apart', async () => {
    for (const app of [a, b]) await post(app, '/login', '198.51.100.2');
    expect((await post(a, '/login', '198.51.100.3')).statusCode).toBe(200);
    expect((await post(a, '/upload', '198.51.100.2')).statusCode).toBe(200);
  });

  it('expires the window in Redis after timeWindow', async () => {
    await post(a, '/login', '198.51.100.4');
    const [key] = await links[0]!.commands.keys(links[0]!.key('rate-limit', '*198.51.100.4'));
    expect(key).toBeDefined();
    const ttlMs = await links[0]!.commands.pttl(key!);
    expect(ttlMs).toBeGreaterThan(50_000);
    expect(ttlMs).toBeLessThanOrEqual(60_000);
  });

  it('while Redis is down, a fail-closed route answers 503 SERVICE_UNAVAILABLE and a skipOnError one lets requests through', async () => {
    await redis.stop();
    await expect.poll(() => links[0]!.isUp).toBe(false);
    const refused = await post(a, '/login', '198.51.100.5');
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(refused.headers['retry-after']).toBe('2');
    for (let i = 0; i < 4; i += 1) {
      expect((await post(a, '/upload', '198.51.100.5')).statusCode).toBe(200);
    }
    await redis.startAgain();
    await expect.poll(() => links[0]!.isUp, { timeout: 5_000 }).toBe(true);
    expect((await post(a, '/login', '198.51.100.5')).statusCode).toBe(200);
  });
});
