import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedis, redisMissing } from '../../../test/support/cluster.js';
import { AuditService } from '../audit/audit.js';
import { systemClock } from '../clock.js';
import { RedisLink } from '../redis/redis-link.js';
import { migrateToLatest, openDatabase, type Db } from '../storage/database.js';
import { Logos } from './logo.js';
import { RedisSettingsNotices } from './redis-settings-notices.js';
import { SettingsService, type SettingsDefaults } from './settings.js';

const quiet = { info() {}, warn() {} };
const defaults: SettingsDefaults = {
  meetingPasswordLength: 8,
  joinOpensMinutesBefore: 15,
  joinClosesMinutesAfter: 60,
  p2pRoomCap: 4,
  defaultPhoneRegion: 'ES',
  organizationName: 'Default Org',
  waitingRoomDefault: false,
  emailReminderMinutes: 1440,
  smsReminderMinutes: null,
};
const actor = { id: null, label: 'test', source: null };

describe.skipIf(redisMissing() !== undefined)('RedisSettingsNotices', () => {
  let redis: TestRedis;
  let db: Db;
  /** Two nodes' links and settings over one database. */
  let links: RedisLink[];
  let nodes: SettingsService[];

  beforeAll(async () => {
    redis = await TestRedis.start();
    db = openDatabase({ kind: 'sqlite', file: ':memory:' });
    await migrateToLatest(db);
    links = [await RedisLink.open(redis.url, quiet), await RedisLink.open(redis.url, quiet)];
    const audit = new AuditService(db, systemClock, { retentionMs: 1e9, burstWindowMs: 1e3 });
    nodes = links.map(
      (link) =>
        new SettingsService(
          db,
          systemClock,
          audit,
          new Logos(db, systemClock),
          defaults,
          new RedisSettingsNotices(link, quiet),
        ),
    );
    // Both nodes are listening before any change is made.
    const deadline = Date.now() + 5_000;
    while ((await links[0]!.commands.pubsub('NUMSUB', 'tertulia:settings'))[1] !== 2) {
      if (Date.now() > deadline) throw new Error('the nodes did not subscribe');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
  afterAll(async () => {
    await Promise.all(links.map((link) => link.close()));
    await redis.stop();
    await db.destroy();
  });

  /** Resolves when node B's link has delivered the next settings notice to its listeners. */
  async function nextNoticeOnB(): Promise<void> {
    let stop = () => {};
    await new Promise<void>((resolve) => {
      void links[1]!
        .subscribe('settings', () => resolve())
        .then((unsubscribe) => (stop = unsubscribe));
    });
    stop();
  }

  it("drops the other node's cache as soon as the notice arrives, well within the cache's TTL", async () => {
    const [a, b] = nodes as [SettingsService, SettingsService];
    expect((await a.get()).organizationName).toBe('Default Org');
    expect((await b.get()).organizationName).toBe('Default Org');
    const heard = nextNoticeOnB();
    await a.update({ organizationName: 'Changed on A' }, actor);
    await heard;
    // Node B's own listener was registered first, so it has already dropped its cache.
    expect((await b.get()).organizationName).toBe('Changed on A');
    expect((await a.get()).organizationName).toBe('Changed on A');
  });

  it('commits a change while Redis is down, without an error, and applies it on its own node', async () => {
    const [a] = nodes as [SettingsService];
    await redis.stop();
    await expect.poll(() => links[0]!.isUp).toBe(false);
    await expect(
      a.update({ organizationName: 'While Redis was down' }, actor),
    ).resolves.toBeDefined();
    expect((await a.get()).organizationName).toBe('While Redis was down');
    await redis.startAgain();
    await expect.poll(() => links[0]!.isUp, { timeout: 5_000 }).toBe(true);
  });
});
