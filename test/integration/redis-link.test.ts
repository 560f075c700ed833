import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLink } from '../../src/server/redis/redis-link.js';
import { TestRedis, clusterMissing } from '../support/cluster.js';

const quiet = { info() {}, warn() {} };
const missing = clusterMissing();

describe.skipIf(missing !== undefined && missing.includes('redis'))('RedisLink', () => {
  let redis: TestRedis;
  let link: RedisLink;
  beforeAll(async () => {
    redis = await TestRedis.start();
    link = await RedisLink.open(redis.url, quiet);
  });
  afterAll(async () => {
    await link.close();
    await redis.stop();
  });

  it('delivers a published message to every listener of its channel', async () => {
    const got: string[] = [];
    const stopA = await link.subscribe('test', (m) => got.push(`a:${m}`));
    const stopB = await link.subscribe('test', (m) => got.push(`b:${m}`));
    await link.publish('test', 'hello');
    await expect.poll(() => got.sort()).toEqual(['a:hello', 'b:hello']);
    stopA();
    await link.publish('test', 'again');
    await expect.poll(() => got.length).toBe(3);
    expect(got).toContain('b:again');
    stopB();
  });

  it('fails commands at once while Redis is down, and works again when it is back', async () => {
    const got: string[] = [];
    await link.subscribe('after-restart', (m) => got.push(m));
    await redis.stop();
    await expect.poll(() => link.isUp).toBe(false);
    const started = Date.now();
    await expect(link.commands.incr(link.key('n'))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);
    await redis.startAgain();
    await expect.poll(() => link.isUp, { timeout: 5_000 }).toBe(true);
    expect(await link.commands.incr(link.key('n'))).toBe(1);
    // ioredis subscribes again after reconnecting.
    await expect
      .poll(
        async () => {
          await link.publish('after-restart', 'x');
          return got.length;
        },
        { timeout: 5_000 },
      )
      .toBeGreaterThan(0);
  });

  it('refuses to open when Redis cannot be reached, naming it without its password', async () => {
    await expect(RedisLink.open('redis://:secret@127.0.0.1:1/0', quiet)).rejects.toThrow(
      /cannot be reached/,
    );
    await expect(RedisLink.open('redis://:secret@127.0.0.1:1/0', quiet)).rejects.not.toThrow(
      /secret/,
    );
  });
});
