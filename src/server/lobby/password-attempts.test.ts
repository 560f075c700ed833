import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedis, redisMissing } from '../../../test/support/cluster.js';
import { AppError } from '../errors.js';
import { RedisLink } from '../redis/redis-link.js';
import {
  delayAfter,
  delaySchedule,
  FORGET_AFTER_MS,
  InMemoryPasswordAttempts,
  sourceOf,
  type PasswordAttempts,
} from './password-attempts.js';
import { RedisPasswordAttempts } from './redis-password-attempts.js';

class ManualClock {
  ms = Date.parse('2030-01-01T00:00:00Z');
  now() {
    return new Date(this.ms);
  }
}

const quiet = { info() {}, warn() {} };

describe('delayAfter', () => {
  it.each([
    [1, 0],
    [4, 0],
    [5, 100],
    [6, 200],
    [7, 400],
    [13, 25_600],
    [14, 30_000],
    [40, 30_000],
  ])('after %i wrong answers waits %i ms', (failures, ms) => {
    expect(delayAfter(failures)).toBe(ms);
  });

  it('delaySchedule lists every delay up to the first capped one', () => {
    expect(delaySchedule()).toEqual(Array.from({ length: 14 }, (_, i) => delayAfter(i + 1)));
  });
});

/** One private Redis for the file, started only when the Redis cases run. */
let redis: TestRedis | undefined;
let link: RedisLink | undefined;
afterAll(async () => {
  await link?.close();
  await redis?.stop();
});

async function sharedLink(): Promise<RedisLink> {
  redis ??= await TestRedis.start();
  link ??= await RedisLink.open(redis.url, quiet);
  return link;
}

let meetingCounter = 0;
/** A meeting id no earlier case used, so cases share no Redis record. */
const freshMeeting = () => `meeting-${process.pid}-${(meetingCounter += 1)}`;

const implementations: [
  string,
  string | undefined,
  (clock: ManualClock) => Promise<PasswordAttempts>,
][] = [
  ['in memory', undefined, async (clock) => new InMemoryPasswordAttempts(clock)],
  [
    'in Redis',
    redisMissing(),
    async (clock) => new RedisPasswordAttempts(await sharedLink(), clock),
  ],
];

describe.each(implementations)('PasswordAttempts %s', (_name, missing, make) => {
  describe.skipIf(missing !== undefined)(`(skipped: ${missing})`, () => {
    const source = '203.0.113.9';

    it('takes five wrong answers at once, then spaces them out, and a right one resets', async () => {
      const clock = new ManualClock();
      const attempts = await make(clock);
      const m = freshMeeting();
      for (let i = 0; i < 5; i += 1) expect(await attempts.answer(m, source, false)).toBe(0);
      expect(await attempts.answer(m, source, false)).toBe(100);
      clock.ms += 60;
      expect(await attempts.answer(m, source, true)).toBe(40);
      clock.ms += 40;
      expect(await attempts.answer(m, source, false)).toBe(0);
      expect(await attempts.answer(m, source, false)).toBe(200);
      clock.ms += 200;
      expect(await attempts.answer(m, source, true)).toBe(0);
      for (let i = 0; i < 5; i += 1) expect(await attempts.answer(m, source, false)).toBe(0);
    });

    it('does not count an answer refused while waiting', async () => {
      const clock = new ManualClock();
      const attempts = await make(clock);
      const m = freshMeeting();
      for (let i = 0; i < 5; i += 1) await attempts.answer(m, source, false);
      for (let i = 0; i < 3; i += 1) expect(await attempts.answer(m, source, false)).toBe(100);
      clock.ms += 100;
      expect(await attempts.answer(m, source, false)).toBe(0);
      expect(await attempts.answer(m, source, false)).toBe(200);
    });

    it('caps the wait at 30 seconds', async () => {
      const clock = new ManualClock();
      const attempts = await make(clock);
      const m = freshMeeting();
      for (let i = 0; i < 20; i += 1) {
        await attempts.answer(m, source, false);
        clock.ms += 30_000;
      }
      clock.ms -= 30_000;
      expect(await attempts.answer(m, source, false)).toBe(30_000);
    });

    it('keeps meetings and sources apart', async () => {
      const attempts = await make(new ManualClock());
      const [m1, m2] = [freshMeeting(), freshMeeting()];
      for (let i = 0; i < 6; i += 1) await attempts.answer(m1, source, false);
      expect(await attempts.answer(m1, source, false)).toBeGreaterThan(0);
      expect(await attempts.answer(m2, source, false)).toBe(0);
      expect(await attempts.answer(m1, '198.51.100.7', false)).toBe(0);
    });

    it('takes only one of many answers sent at the same moment once the free ones are used', async () => {
      const attempts = await make(new ManualClock());
      const m = freshMeeting();
      for (let i = 0; i < 4; i += 1) await attempts.answer(m, source, false);
      const waits = await Promise.all(
        Array.from({ length: 20 }, () => attempts.answer(m, source, false)),
      );
      expect(waits.filter((ms) => ms === 0)).toHaveLength(1);
      expect(waits.filter((ms) => ms === 100)).toHaveLength(19);
    });
  });
});

describe('InMemoryPasswordAttempts', () => {
  it('forgets a source after an hour without answers', async () => {
    const clock = new ManualClock();
    const attempts = new InMemoryPasswordAttempts(clock);
    for (let i = 0; i < 8; i += 1) {
      await attempts.answer('m1', '203.0.113.9', false);
      clock.ms += 30_000;
    }
    clock.ms += FORGET_AFTER_MS + 1;
    for (let i = 0; i < 5; i += 1)
      expect(await attempts.answer('m1', '203.0.113.9', false)).toBe(0);
  });
});

describe.skipIf(redisMissing() !== undefined)('RedisPasswordAttempts', () => {
  let own: TestRedis;
  let ownLink: RedisLink;
  beforeAll(async () => {
    own = await TestRedis.start();
    ownLink = await RedisLink.open(own.url, quiet);
  });
  afterAll(async () => {
    await ownLink.close();
    await own.stop();
  });

  it('keeps a record for an hour after its last wrong answer, and none after a right one', async () => {
    const attempts = new RedisPasswordAttempts(ownLink, new ManualClock());
    const key = ownLink.key('password-attempts', 'm-ttl', '2001:db8:1:2::/64');
    await attempts.answer('m-ttl', '2001:db8:1:2::/64', false);
    const ttlMs = await ownLink.commands.pttl(key);
    expect(ttlMs).toBeGreaterThan(FORGET_AFTER_MS - 5_000);
    expect(ttlMs).toBeLessThanOrEqual(FORGET_AFTER_MS);
    await attempts.answer('m-ttl', '2001:db8:1:2::/64', true);
    expect(await ownLink.commands.exists(key)).toBe(0);
  });

  it('refuses every answer with 503 SERVICE_UNAVAILABLE while Redis is down, and counts again once it is back', async () => {
    const attempts = new RedisPasswordAttempts(ownLink, new ManualClock());
    await own.stop();
    await expect.poll(() => ownLink.isUp).toBe(false);
    for (const right of [false, true]) {
      const refusal = await attempts.answer('m-down', '203.0.113.9', right).catch((e) => e);
      expect(refusal).toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    }
    await own.startAgain();
    await expect.poll(() => ownLink.isUp, { timeout: 5_000 }).toBe(true);
    for (let i = 0; i < 5; i += 1)
      expect(await attempts.answer('m-down', '203.0.113.9', false)).toBe(0);
    expect(await attempts.answer('m-down', '203.0.113.9', false)).toBe(100);
  });
});

describe('sourceOf', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s counts as %s', (ip, source) => {
    expect(sourceOf(ip)).toBe(source);
  });
});
