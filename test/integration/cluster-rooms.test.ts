/**
 * One room served by two real nodes (separate processes over one PostgreSQL and one Redis):
 * participants on either node see each other, talk, and survive the loss of a node or of Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/shared/signaling.js';
import { clusterMissing, startCluster, type Cluster, type TestNode } from '../support/cluster.js';
import {
  adminEnv,
  clusterMeeting,
  connectTo,
  guestBearer,
  passLobby,
} from '../support/cluster-room.js';
import { MEDIA_ON, type RoomClient } from '../support/room-client.js';

const missing = clusterMissing();
/** Short, so a participant who never comes back is gone within the test. */
const GRACE_SECONDS = 3;

describe.skipIf(missing !== undefined)(`a room across two nodes (${missing ?? 'ready'})`, () => {
  let cluster: Cluster;
  let a: TestNode;
  let b: TestNode;
  const clients: RoomClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster(2, {
      env: { ...adminEnv, ROOM_RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) },
    });
    [a, b] = cluster.nodes as [TestNode, TestNode];
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.terminate();
    await cluster?.stop();
  });

  /** A guest who passed the lobby on `lobby` and joined the room on `node`. */
  async function guest(node: TestNode, token: string, name: string, lobby = node) {
    const bearer = await guestBearer(lobby, token, name);
    const client = await connectTo(node, token, bearer);
    clients.push(client);
    const welcome = await client.hello();
    return { client, bearer, welcome };
  }

  it('lets guests on different nodes see each other, signal each other and chat', async () => {
    const { token } = await clusterMeeting(a);
    const ana = await guest(a, token, 'Ana');
    const ben = await guest(b, token, 'Ben');
    expect(ben.welcome.participants.map((p) => p.displayName)).toEqual(['Ana', 'Ben']);
    const joined = await ana.client.next('joined');
    expect(joined.participant).toMatchObject({ peerId: ben.welcome.peerId, displayName: 'Ben' });

    ana.client.send({
      type: 'signal',
      to: ben.welcome.peerId,
      payload: { kind: 'cameraSize', size: 'small' },
    });
    expect(await ben.client.next('signal')).toEqual({
      type: 'signal',
      from: ana.welcome.peerId,
      payload: { kind: 'cameraSize', size: 'small' },
    });
    ben.client.send({
      type: 'signal',
      to: ana.welcome.peerId,
      payload: { kind: 'cameraSize', size: 'large' },
    });
    expect((await ana.client.next('signal')).from).toBe(ben.welcome.peerId);

    const from = (peerId: string) => (c: { message: { peerId: string } }) =>
      c.message.peerId === peerId;
    ana.client.send({ type: 'chat', text: 'hola desde A' });
    expect((await ben.client.next('chat', from(ana.welcome.peerId))).message.text).toBe(
      'hola desde A',
    );
    ben.client.send({ type: 'chat', text: 'hello from B' });
    expect((await ana.client.next('chat', from(ben.welcome.peerId))).message.text).toBe(
      'hello from B',
    );

    for (const node of [a, b]) {
      const late = await guest(node, token, `Late on ${node.options.port}`);
      expect(late.welcome.chat.map((m) => m.text)).toEqual(['hola desde A', 'hello from B']);
    }
    const lateOnB = await ana.client.next('joined', (j) =>
      j.participant.displayName.endsWith(String(b.options.port)),
    );
    expect(lateOnB.participant.kind).toBe('guest');
  });

  it('keeps raised hands in order and shows reactions across nodes', async () => {
    const { token } = await clusterMeeting(a);
    const ana = await guest(a, token, 'Ana');
    const ben = await guest(b, token, 'Ben');
    ben.client.send({ type: 'hand', raised: true });
    await ana.client.next('updated', (e) => e.participant.handRaisedAt !== undefined);
    ana.client.send({ type: 'hand', raised: true });
    await ben.client.next(
      'updated',
      (e) =>
        e.participant.peerId === ana.welcome.peerId && e.participant.handRaisedAt !== undefined,
    );
    for (const node of [a, b]) {
      const late = await guest(node, token, `Late on ${node.options.port}`);
      const hands = late.welcome.participants
        .filter((p) => p.handRaisedAt !== undefined)
        .sort((x, y) => (x.handRaisedAt ?? '').localeCompare(y.handRaisedAt ?? ''));
      expect(hands.map((p) => p.displayName)).toEqual(['Ben', 'Ana']);
    }

    ana.client.send({ type: 'reaction', reaction: 'heart' });
    expect(await ben.client.next('reaction')).toEqual({
      type: 'reaction',
      peerId: ana.welcome.peerId,
      reaction: 'heart',
    });
  });

  it('lets a dropped guest resume on the other node: kept signals, no timeout, old socket replaced', async () => {
    const { token } = await clusterMeeting(a);
    const ben = await guest(b, token, 'Ben');
    const ana = await guest(a, token, 'Ana');
    const anaId = ana.welcome.peerId;
    ana.client.terminate();
    await ben.client.next(
      'updated',
      (u) => u.participant.peerId === anaId && u.participant.reconnecting,
    );
    // Node A holds her place; what Ben sends her meanwhile waits where any node finds it.
    const payload = { kind: 'cameraSize', size: 'large' } as const;
    ben.client.send({ type: 'signal', to: anaId, payload });
    await ben.client.roundTrip();

    const onB = await connectTo(b, token, ana.bearer);
    clients.push(onB);
    const place = { peerId: anaId, resumeToken: ana.welcome.resumeToken };
    const welcome = await onB.hello(MEDIA_ON, { ...place, lastSeq: ana.client.lastSeq });
    expect(welcome).toMatchObject({ resumed: true, peerId: anaId });
    expect(await onB.next('signal')).toEqual({ type: 'signal', from: ben.welcome.peerId, payload });
    // Node A's grace timer ends without removing her: the place is no longer A's.
    await expect(
      ben.client.next('left', (l) => l.peerId === anaId, GRACE_SECONDS * 1000 + 1_500),
    ).rejects.toThrow(/no "left" frame/);

    // A newer socket on A takes the place over; the one on B is closed as replaced.
    const onA = await connectTo(a, token, ana.bearer);
    clients.push(onA);
    expect(await onA.hello(MEDIA_ON, { ...place, lastSeq: onB.lastSeq })).toMatchObject({
      resumed: true,
    });
    expect((await onB.closed).code).toBe(CLOSE_CODES.REPLACED);
    ben.client.send({ type: 'signal', to: anaId, payload });
    expect((await onA.next('signal')).from).toBe(ben.welcome.peerId);
  }, 30_000);

  it('ends the sockets on every node when the meeting is cancelled', async () => {
    const { id, token, cookie } = await clusterMeeting(a);
    const ana = await guest(a, token, 'Ana');
    const ben = await guest(b, token, 'Ben');
    const cancelled = await fetch(`${b.url}/api/meetings/${id}`, {
      method: 'DELETE',
      headers: { cookie },
    });
    expect(cancelled.status).toBe(200);
    for (const client of [ana.client, ben.client]) {
      expect((await client.closed).code).toBe(CLOSE_CODES.MEETING_NOT_OPEN);
    }
  });

  it('gives pages the events their node missed while its Redis subscription reconnected', async () => {
    const { token } = await clusterMeeting(a);
    const ana = await guest(a, token, 'Ana');
    const ben = await guest(b, token, 'Ben');
    const redis = new Redis(cluster.redis.url);
    try {
      // Every node's subscriber is cut; they come back (re-subscribed) a moment later.
      await redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      ana.client.send({ type: 'chat', text: 'while cut' });
      // Answered after the chat frame was handled: the message went out while nobody listened.
      await ana.client.roundTrip();
      await expect
        .poll(
          async () => {
            ana.client.send({ type: 'chat', text: 'after' });
            return ben.client
              .next('chat', (c) => c.message.text === 'after', 500)
              .then(() => true)
              .catch(() => false);
          },
          { timeout: 5_000, interval: 100 },
        )
        .toBe(true);
    } finally {
      redis.disconnect();
    }
    const texts = ben.client.frames.flatMap((f) => (f.type === 'chat' ? [f.message.text] : []));
    expect(texts[0]).toBe('while cut');
    await expect.poll(() => b.output).toMatch(/room events missed; read from the log/);
  });

  it('keeps the room going through a Redis restart that lost everything', async () => {
    const { token } = await clusterMeeting(a);
    const ana = await guest(a, token, 'Ana');
    const ben = await guest(b, token, 'Ben');
    const carlaBearer = await guestBearer(b, token, 'Carla');

    await cluster.redis.stop();
    // The node notices at once on a quiet machine; a loaded one may take a few seconds.
    await expect
      .poll(async () => (await passLobby(a, token, 'Dora')).status, { timeout: 10_000 })
      .toBe(503);
    const refused = await passLobby(b, token, 'Dora');
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'ROOM_UNAVAILABLE' });
    const carla = await connectTo(a, token, carlaBearer);
    clients.push(carla);
    carla.send({ type: 'hello', media: MEDIA_ON });
    expect((await carla.next('error')).code).toBe('ROOM_UNAVAILABLE');
    expect((await carla.closed).code).toBe(CLOSE_CODES.ROOM_UNAVAILABLE);
    // Those in the room keep their sockets; what needs Redis is refused, not dropped.
    ana.client.send({ type: 'chat', text: 'anyone?' });
    expect((await ana.client.next('error')).code).toBe('ROOM_UNAVAILABLE');
    await ben.client.roundTrip();
    expect([ana.client.isOpen, ben.client.isOpen]).toEqual([true, true]);
    expect([a.running, b.running]).toEqual([true, true]);

    await cluster.redis.startAgain();
    const back = Date.now();
    // The nodes put their places back: a change of Ana's on A reaches Ben on B again.
    const muted = { audio: false, video: true, screen: false };
    await expect
      .poll(
        async () => {
          ana.client.send({ type: 'media', media: muted });
          return ben.client
            .next('updated', (u) => u.participant.peerId === ana.welcome.peerId, 500)
            .then(() => true)
            .catch(() => false);
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe(true);
    expect(`${a.output}${b.output}`).not.toMatch(/unhandled/i);
    const carlaAgain = await connectTo(b, token, carlaBearer);
    clients.push(carlaAgain);
    const welcome = await carlaAgain.hello();
    // Each node puts back its own places: one whose node has not yet done so reaches the
    // newcomer as a `joined` right after the welcome, still within the 10 s.
    const seen = welcome.participants.map((p) => p.displayName);
    if (!seen.includes('Ben')) {
      const late = await carlaAgain.next(
        'joined',
        (j) => j.participant.displayName === 'Ben',
        Math.max(0, 10_000 - (Date.now() - back)),
      );
      seen.push(late.participant.displayName);
    }
    expect(Date.now() - back).toBeLessThan(10_000);
    expect(seen.sort()).toEqual(['Ana', 'Ben', 'Carla']);
    ben.client.send({ type: 'chat', text: 'back' });
    expect((await ana.client.next('chat', (c) => c.message.text === 'back')).message.peerId).toBe(
      ben.welcome.peerId,
    );

    // A socket that drops now resumes its place, though the log of what it missed is gone.
    ana.client.terminate();
    const anaAgain = await connectTo(b, token, ana.bearer);
    clients.push(anaAgain);
    const resumed = await anaAgain.hello(MEDIA_ON, {
      peerId: ana.welcome.peerId,
      resumeToken: ana.welcome.resumeToken,
      lastSeq: ana.client.lastSeq,
    });
    expect(resumed).toMatchObject({ resumed: true, peerId: ana.welcome.peerId });
    expect(resumed.participants.map((p) => p.displayName)).toEqual(['Ana', 'Ben', 'Carla']);
  }, 40_000);

  it("moves a killed node's guest to the other node, and times out one who never returns", async () => {
    const { token } = await clusterMeeting(b);
    const ben = await guest(b, token, 'Ben');
    const ana = await guest(a, token, 'Ana');
    const gone = await guest(a, token, 'Gone');
    await a.kill('SIGKILL');

    // Ana's browser reconnects, to the node left, and takes her place back.
    const again = await connectTo(b, token, ana.bearer);
    clients.push(again);
    const welcome = await again.hello(MEDIA_ON, {
      peerId: ana.welcome.peerId,
      resumeToken: ana.welcome.resumeToken,
      lastSeq: ana.client.lastSeq,
    });
    expect(welcome).toMatchObject({ resumed: true, peerId: ana.welcome.peerId });
    expect(welcome.participants.map((p) => p.displayName)).toEqual(['Ben', 'Ana', 'Gone']);

    // Gone's node is found stopped (its heartbeat expires), then the grace time runs.
    const reconnecting = await ben.client.next(
      'updated',
      (u) => u.participant.peerId === gone.welcome.peerId && u.participant.reconnecting,
      15_000,
    );
    const foundAt = Date.now();
    const left = await ben.client.next('left', (l) => l.peerId === gone.welcome.peerId, 10_000);
    expect(left).toMatchObject({ reason: 'timeout' });
    expect(left.seq).toBeGreaterThan(reconnecting.seq);
    expect(Date.now() - foundAt).toBeGreaterThan(GRACE_SECONDS * 1000 - 500);

    // Ben saw Ana once all along: one join, never a leave; a newcomer finds the two of them.
    const aboutAna = ben.client.frames.filter(
      (f) =>
        (f.type === 'joined' && f.participant.peerId === ana.welcome.peerId) ||
        (f.type === 'left' && f.peerId === ana.welcome.peerId),
    );
    expect(aboutAna.map((f) => f.type)).toEqual(['joined']);
    const check = await guest(b, token, 'Check');
    expect(check.welcome.participants.map((p) => p.displayName)).toEqual(['Ben', 'Ana', 'Check']);
  }, 40_000);
});
