import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisLink } from '../../src/server/redis/redis-link.js';
import { RedisRoomBus } from '../../src/server/room/redis-room-bus.js';
import type { BusMessage } from '../../src/server/room/room-bus.js';
import { TestRedis, clusterMissing } from '../support/cluster.js';
import { roomBusContract, testMember } from '../support/room-bus-contract.js';

type Log = { info(): void; warn(): void; error(obj: object, msg: string): void };
const quiet: Log = { info() {}, warn() {}, error() {} };
const missing = clusterMissing();
const room = () => `room-${randomBytes(4).toString('hex')}`;

describe.skipIf(missing !== undefined && missing.includes('redis'))('RedisRoomBus', () => {
  let redis: TestRedis;
  const links: RedisLink[] = [];
  const buses: RedisRoomBus[] = [];

  /** A bus as one node has it: its own Redis connections, its own node name. */
  async function node(log: Log = quiet, nodeId = 'node') {
    const link = await RedisLink.open(redis.url, quiet);
    links.push(link);
    const bus = new RedisRoomBus(link, log, { nodeId });
    buses.push(bus);
    return bus;
  }

  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    for (const bus of buses) bus.stop();
    await Promise.all(links.map((link) => link.close()));
    await redis.stop();
  });

  roomBusContract('RedisRoomBus', () => ({ open: (log) => node({ ...quiet, ...log }), room }));

  it('never lets concurrent joins on two nodes overshoot the cap', async () => {
    const [a, b] = [await node(), await node()];
    const r = room();
    const joins = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? a : b).join(r, testMember(`p${i}`), 4),
    );
    const results = await Promise.all(joins);
    expect(results.filter((result) => result !== 'full')).toHaveLength(4);
    expect((await a.snapshot(r)).members).toHaveLength(4);
  });

  it("delivers one node's events to another node in event order, with their latency", async () => {
    const delivered = vi.fn();
    const link = await RedisLink.open(redis.url, quiet);
    links.push(link);
    const receiver = new RedisRoomBus(link, quiet, { nodeId: 'b', onDelivered: delivered });
    buses.push(receiver);
    const [a, c] = [await node(), await node()];
    const r = room();
    const seen: BusMessage[] = [];
    const stop = await receiver.subscribe(r, (m) => seen.push(m));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : c).join(r, testMember(`p${i}`), 50)),
    );
    await expect.poll(() => seen.length).toBe(20);
    const numbers = seen.map((m) => (m.kind === 'event' ? m.event.seq : 0));
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(delivered).toHaveBeenCalledTimes(20);
    expect(delivered.mock.calls.every(([ms]) => ms >= 0 && ms < 5_000)).toBe(true);
    stop();
  });

  it('keeps room keys for a limited time, renewed while the room is active', async () => {
    const bus = await node();
    const r = room();
    await bus.join(r, testMember('a'), 6);
    const ttl = await links[0]!.commands.pttl(`tertulia:room:${r}:members`);
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
    await links[0]!.commands.pexpire(`tertulia:room:${r}:seq`, 1_000);
    await bus.refresh(r, [testMember('a')]);
    expect(await links[0]!.commands.pttl(`tertulia:room:${r}:seq`)).toBeGreaterThan(9 * 60_000);
  });

  it("gives a stopped node's places to exactly one survivor, reconnecting", async () => {
    const stopped = await node(quiet, 'stopped');
    const survivors = [await node(quiet, 's1'), await node(quiet, 's2'), await node(quiet, 's3')];
    const r = room();
    const kept = testMember('kept', { node: survivors[0]!.node, epoch: 1 });
    await stopped.join(r, testMember('orphan', { node: stopped.node, epoch: 3 }), 6);
    await stopped.join(r, testMember('moved', { node: stopped.node, epoch: 4 }), 6);
    await survivors[0]!.join(r, kept, 6);
    // "moved" resumed on a survivor before anyone noticed its node had stopped.
    await survivors[1]!.takeOver(r, 'moved', { node: survivors[1]!.node, epoch: 9 });
    const seen: BusMessage[] = [];
    const stop = await survivors[2]!.subscribe(r, (m) => seen.push(m));
    stopped.stop();
    await expect
      .poll(async () => links[0]!.commands.exists(`tertulia:node:${stopped.node}`))
      .toBe(0);

    let epoch = 100;
    const adoptions = await Promise.all(
      survivors.map((bus) => bus.adoptOrphans(() => ({ node: bus.node, epoch: (epoch += 1) }))),
    );
    const adopted = adoptions.flat();
    expect(adopted).toHaveLength(1);
    const [winner] = survivors.filter((_, i) => adoptions[i]!.length === 1);
    expect(adopted[0]).toMatchObject({
      roomId: r,
      member: {
        participant: { peerId: 'orphan', reconnecting: true },
        holder: { node: winner!.node },
      },
    });
    await expect.poll(() => seen.filter((m) => m.kind === 'taken' && m.adopted).length).toBe(1);
    expect((await winner!.member(r, 'moved'))?.holder.node).toBe(survivors[1]!.node);
    expect(await winner!.member(r, 'kept')).toEqual(kept);
    expect(await survivors[0]!.adoptOrphans(() => ({ node: 'x', epoch: 1 }))).toEqual([]);
    stop();
  });

  it('does not adopt a place whose page resumed between the adoption and its reading', async () => {
    const stopped = await node(quiet, 'stopped-2');
    const survivor = await node(quiet, 'survivor');
    const r = room();
    await stopped.join(r, testMember('drained', { node: stopped.node, epoch: 1 }), 6);
    const resumed = { node: survivor.node, epoch: 50 };
    // The page, told its node drains, resumes on the survivor just after the survivor adopted
    // its place (marked reconnecting) and before it read the place back.
    const read = survivor.member.bind(survivor);
    vi.spyOn(survivor, 'member').mockImplementationOnce(async (roomId, peerId) => {
      await survivor.takeOver(roomId, peerId, resumed);
      return read(roomId, peerId);
    });
    stopped.stop();
    await expect
      .poll(async () => links[0]!.commands.exists(`tertulia:node:${stopped.node}`))
      .toBe(0);
    // Adopted, it would be held for the grace time under the adoption's holder, and then
    // removed for everyone although the page is in the room.
    expect(await survivor.adoptOrphans(() => ({ node: survivor.node, epoch: 49 }))).toEqual([]);
    expect(survivor.member).toHaveBeenCalledTimes(1);
    expect(await survivor.member(r, 'drained')).toMatchObject({
      participant: { reconnecting: false },
      holder: resumed,
    });
  });

  it('is unavailable while Redis is down, then puts back the places a restart lost', async () => {
    const [a, b] = [await node(quiet, 'a'), await node(quiet, 'b')];
    const r = room();
    const onA = testMember('on-a', { node: a.node, epoch: 1 });
    const onB = testMember('on-b', { node: b.node, epoch: 1 });
    // Each node listens to the rooms it holds places in, and so knows how far numbering went.
    const seenByB: number[] = [];
    await a.subscribe(r, () => {});
    await b.subscribe(r, (m) => m.kind === 'event' && seenByB.push(m.event.seq));
    await a.join(r, onA, 6);
    await b.join(r, onB, 6);
    await expect.poll(() => seenByB).toEqual([1, 2]);
    await redis.stop();
    await expect.poll(() => a.available).toBe(false);
    await expect(a.join(r, testMember('late'), 6)).rejects.toThrow();
    await expect(a.subscribe(room(), () => {})).rejects.toThrow();
    await redis.startAgain();
    await expect.poll(() => a.available && b.available, { timeout: 5_000 }).toBe(true);

    expect((await a.snapshot(r)).members).toEqual([]);
    // A join before any node renewed the room numbers on after what the nodes saw...
    expect(await a.join(r, testMember('new'), 6)).toMatchObject({ seq: 3 });
    // ...and the places held before are put back by every node, for a while.
    expect(await a.refresh(r, [onA])).toBe(1);
    expect(await b.refresh(r, [onB])).toBe(1);
    const snapshot = await a.snapshot(r);
    expect(snapshot.members.map((m) => m.participant.peerId).sort()).toEqual([
      'new',
      'on-a',
      'on-b',
    ]);
    // Each place put back is announced, so 'new' (whose welcome came before) learns of them.
    expect(snapshot.seq).toBe(5);
    const announced = await a.eventsSince(r, 3);
    expect(announced?.map((e) => [e.type, e.type === 'joined' && e.participant.peerId])).toEqual([
      ['joined', 'on-a'],
      ['joined', 'on-b'],
    ]);
    expect(await a.eventsSince(r, 1)).toBeNull();
    expect(await a.update(r, 'on-a', (p) => p, onA.holder)).toMatchObject({ seq: 6 });
    await expect.poll(() => seenByB.at(-1), { timeout: 5_000 }).toBe(6);
  });
});
