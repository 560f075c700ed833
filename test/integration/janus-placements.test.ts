/**
 * Room placements as several app nodes agree on them: each "node" here is its own store (for
 * Redis, its own RedisLink to one private redis-server), and the same behaviour is asked of
 * the single-node store, where both "nodes" share one object.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InProcessRoomPlacements,
  NoInstanceError,
  type ChoosePlacement,
  type Placement,
  type RoomPlacements,
} from '../../src/server/media/janus/room-placements.js';
import { RedisRoomPlacements } from '../../src/server/media/janus/redis-room-placements.js';
import { RedisLink } from '../../src/server/redis/redis-link.js';
import { TestRedis, clusterMissing } from '../support/cluster.js';

const quiet = { info() {}, warn() {} };
const redisMissing = clusterMissing()?.includes('redis');

function placementOn(instanceUrl: string): Placement {
  return {
    instanceUrl,
    janusRoomId: 1 + Math.floor(Math.random() * 2 ** 40),
    secret: randomBytes(18).toString('base64url'),
  };
}

const on =
  (url: string): ChoosePlacement =>
  () =>
    placementOn(url);
const newRoom = () => `room-${randomBytes(6).toString('hex')}`;

interface Nodes {
  a: RoomPlacements;
  b: RoomPlacements;
}

function contract(name: string, nodes: () => Nodes) {
  describe(name, () => {
    it('gives two nodes racing to place a room the same placement, the first choice', async () => {
      const { a, b } = nodes();
      const roomId = newRoom();
      const [fromA, fromB] = await Promise.all([
        a.placeOnce(roomId, 'holder-a', on('ws://janus-1')),
        b.placeOnce(roomId, 'holder-b', on('ws://janus-2')),
      ]);
      expect(fromA).toEqual(fromB);
      // Later callers read it; their choice is not even asked for.
      const later = await b.placeOnce(roomId, 'holder-c', () => {
        throw new Error('asked to choose for a placed room');
      });
      expect(later).toEqual(fromA);
      expect(await a.current(roomId)).toEqual(fromA);
    });

    it('agrees on one move when two nodes see the same instance fail', async () => {
      const { a, b } = nodes();
      const roomId = newRoom();
      const heard = { a: 0, b: 0 };
      const stopA = a.onMoved((id) => void (id === roomId && heard.a++));
      const stopB = b.onMoved((id) => void (id === roomId && heard.b++));
      const first = await a.placeOnce(roomId, 'holder-a', on('ws://janus-1'));
      await b.placeOnce(roomId, 'holder-b', on('ws://janus-1'));
      const [movedByA, movedByB] = await Promise.all([
        a.moved(roomId, 'holder-a', first, on('ws://janus-2')),
        b.moved(roomId, 'holder-b', first, on('ws://janus-3')),
      ]);
      expect(movedByA).toEqual(movedByB);
      expect(movedByA.instanceUrl).not.toBe('ws://janus-1');
      expect(await b.current(roomId)).toEqual(movedByA);
      // One move, heard once by each node (the one that made it included).
      await expect.poll(() => heard).toEqual({ a: 1, b: 1 });
      // A node late to notice the failure is given the agreed placement, not a third room.
      expect(await a.moved(roomId, 'holder-a', first, on('ws://janus-4'))).toEqual(movedByA);
      stopA();
      stopB();
    });

    it('forgets a room only when its last holder, on any node, lets go', async () => {
      const { a, b } = nodes();
      const roomId = newRoom();
      const placed = await a.placeOnce(roomId, 'holder-a', on('ws://janus-1'));
      await b.placeOnce(roomId, 'holder-b', on('ws://janus-1'));
      expect(await a.forget(roomId, 'holder-a')).toBeUndefined();
      expect(await b.current(roomId)).toEqual(placed);
      // Letting go twice changes nothing: the room is still held by b.
      expect(await a.forget(roomId, 'holder-a')).toBeUndefined();
      expect(await b.forget(roomId, 'holder-b')).toEqual(placed);
      expect(await a.current(roomId)).toBeUndefined();
      const again = await a.placeOnce(roomId, 'holder-a', on('ws://janus-2'));
      expect(again.instanceUrl).toBe('ws://janus-2');
      await a.forget(roomId, 'holder-a');
    });

    it('shares which instances are down, until marked up or the mark lapses', async () => {
      const { a, b } = nodes();
      await a.markDown('ws://down-1', 60_000);
      await a.markDown('ws://down-2', 150);
      expect((await b.view()).down).toEqual(new Set(['ws://down-1', 'ws://down-2']));
      await expect.poll(async () => (await b.view()).down.has('ws://down-2')).toBe(false);
      await b.markUp('ws://down-1');
      expect((await a.view()).down.has('ws://down-1')).toBe(false);
    });

    it('counts the rooms placed on each instance for every node, and lets a choice use them', async () => {
      const { a, b } = nodes();
      const url = `ws://load-${randomBytes(4).toString('hex')}`;
      const rooms = [newRoom(), newRoom()];
      for (const roomId of rooms) await a.placeOnce(roomId, 'holder-a', on(url));
      expect((await b.view()).rooms.get(url)).toBe(2);
      let seen: number | undefined;
      await b.placeOnce(newRoom(), 'holder-b', (view) => {
        seen = view.rooms.get(url);
        return placementOn('ws://elsewhere');
      });
      expect(seen).toBe(2);
      await a.forget(rooms[0]!, 'holder-a');
      expect((await b.view()).rooms.get(url)).toBe(1);
    });

    it('shares whom each participant shows large, and forgets it with the room', async () => {
      const { a, b } = nodes();
      const roomId = newRoom();
      const heard: string[] = [];
      const stop = b.onViews((id) => void (id === roomId && heard.push(id)));
      await a.placeOnce(roomId, 'holder-a', on('ws://janus-1'));
      await a.setView(roomId, 'ana', 'bob');
      await b.setView(roomId, 'bob', null);
      expect(await a.views(roomId)).toEqual(
        new Map<string, string | null>([
          ['ana', 'bob'],
          ['bob', null],
        ]),
      );
      await expect.poll(() => heard.length).toBe(2);
      await a.setView(roomId, 'ana', undefined);
      expect([...(await b.views(roomId)).keys()]).toEqual(['bob']);
      await a.forget(roomId, 'holder-a');
      expect((await b.views(roomId)).size).toBe(0);
      stop();
    });

    it('refuses to place a room when the choice finds no instance', async () => {
      const { a } = nodes();
      await expect(a.placeOnce(newRoom(), 'holder-a', () => undefined)).rejects.toBeInstanceOf(
        NoInstanceError,
      );
    });
  });
}

const single = new InProcessRoomPlacements();
contract('one node (in-process placements)', () => ({ a: single, b: single }));

describe.skipIf(redisMissing)('several nodes (Redis placements)', () => {
  let redis: TestRedis;
  const links: RedisLink[] = [];
  const stores: RoomPlacements[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    for (let i = 0; i < 2; i++) {
      const link = await RedisLink.open(redis.url, quiet);
      links.push(link);
      stores.push(new RedisRoomPlacements(link, quiet));
    }
    // The move listeners subscribe in the background: wait until Redis counts both.
    const subscribers = async () =>
      (await links[0]!.commands.pubsub('NUMSUB', 'tertulia:janus:moved', 'tertulia:janus:views'))
        .filter((_, i) => i % 2 === 1)
        .join();
    while ((await subscribers()) !== '2,2') await new Promise((resolve) => setTimeout(resolve, 20));
  });
  afterAll(async () => {
    await Promise.all(links.map((link) => link.close()));
    await redis?.stop();
  });

  contract('Redis', () => ({ a: stores[0]!, b: stores[1]! }));

  it('keeps the Janus room secret out of everything but its own hash', async () => {
    const [a] = stores;
    const placed = await a!.placeOnce(newRoom(), 'holder-a', on('ws://janus-1'));
    const keys = await links[0]!.commands.keys('tertulia:*');
    const holding: string[] = [];
    for (const key of keys) {
      const type = await links[0]!.commands.type(key);
      const dump =
        type === 'hash'
          ? JSON.stringify(await links[0]!.commands.hgetall(key))
          : type === 'set'
            ? JSON.stringify(await links[0]!.commands.smembers(key))
            : type === 'zset'
              ? JSON.stringify(await links[0]!.commands.zrange(key, 0, -1))
              : String(await links[0]!.commands.get(key));
      if (dump.includes(placed.secret)) holding.push(key);
    }
    expect(holding).toHaveLength(1);
    expect(holding[0]).toMatch(/^tertulia:janus:room:/);
  });
});

if (redisMissing) console.warn('janus-placements: the Redis tests skip: redis-server is missing');
