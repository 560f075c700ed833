/**
 * Two app nodes sharing Janus: two JanusBackends in this process, each with its own RedisLink to
 * one private redis-server (what two `node dist/server/main.js` would hold), and real Janus
 * instances. A participant on each node publishes audio from a real WebRTC peer (werift), so
 * Janus sees media come up; each must be offered the other's feed, which only works when both
 * nodes put them in the same Janus room and learn each other's feeds from Janus.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RTCPeerConnection } from 'werift';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  mediaNoticeSchema,
  type MediaNotice,
  type ServerSignal,
} from '../../src/shared/signaling.js';
import { JanusBackend } from '../../src/server/media/janus/janus-backend.js';
import { JanusInstance } from '../../src/server/media/janus/janus-instance.js';
import { RedisRoomPlacements } from '../../src/server/media/janus/redis-room-placements.js';
import { RedisLink } from '../../src/server/redis/redis-link.js';
import { connected, newPeerConnection, onLocalCandidate } from '../../tools/load/webrtc-peer.js';
import { TestRedis, clusterMissing } from '../support/cluster.js';
import {
  JANUS_MISSING,
  janusBinary,
  startLocalJanus,
  type StartedJanus,
} from '../support/local-janus.js';

const quiet = { info() {}, warn() {} };
const missing = !janusBinary()
  ? JANUS_MISSING
  : clusterMissing()?.includes('redis')
    ? 'redis-server is not installed'
    : undefined;
if (missing) console.warn(`janus-two-nodes: skipped: ${missing}`);

/** What one node's backend sent to its participants, as the room bus would deliver it. */
class Inbox {
  private readonly received: { to: string; payload: ServerSignal }[] = [];
  private readonly events = new EventEmitter();

  readonly sink = (_roomId: string, to: string, _from: string, payload: ServerSignal) => {
    this.received.push({ to, payload });
    this.events.emit('signal', to, payload);
    return Promise.resolve();
  };

  /** The first notice for `to` (already received or coming) that `match` accepts. */
  next<T extends MediaNotice>(
    to: string,
    match: (payload: MediaNotice) => payload is T,
    timeoutMs = 10_000,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (peer: string, payload: ServerSignal): boolean => {
        if (peer !== to || !('kind' in payload) || !match(payload as MediaNotice)) return false;
        resolve(payload as T);
        return true;
      };
      if (this.received.some(({ to: peer, payload }) => check(peer, payload))) return;
      const timer = setTimeout(() => {
        this.events.off('signal', listener);
        reject(new Error(`no matching signal for ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (peer: string, payload: ServerSignal) => {
        if (!check(peer, payload)) return;
        clearTimeout(timer);
        this.events.off('signal', listener);
      };
      this.events.on('signal', listener);
    });
  }

  on(listener: (to: string, payload: ServerSignal) => void): void {
    this.events.on('signal', listener);
  }

  clear(): void {
    this.received.length = 0;
  }
}

type DescriptionNotice = Extract<MediaNotice, { kind: 'description' }>;
const subscribeOfferWith =
  (peerId: string) =>
  (payload: MediaNotice): payload is DescriptionNotice =>
    payload.kind === 'description' &&
    payload.connection === 'subscribe' &&
    (payload.streams ?? []).some((stream) => stream.peerId === peerId);
type CameraLayers = Extract<MediaNotice, { kind: 'cameraLayers' }>;
const isReset = (payload: MediaNotice): payload is Extract<MediaNotice, { kind: 'reset' }> =>
  payload.kind === 'reset';

interface Node {
  backend: JanusBackend;
  inbox: Inbox;
  link: RedisLink;
  placements: RedisRoomPlacements;
}

describe.skipIf(missing !== undefined)('two app nodes sharing Janus through Redis', () => {
  let redis: TestRedis;
  let januses: StartedJanus[] = [];
  const nodes: Node[] = [];
  const peers: RTCPeerConnection[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    const secret = randomBytes(24).toString('base64url');
    const dir = () => mkdtempSync(path.join(os.tmpdir(), 'tertulia-janus-nodes-'));
    januses = await Promise.all([startLocalJanus(dir(), secret), startLocalJanus(dir(), secret)]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(januses.map((janus) => janus.stop()));
    await redis?.stop();
  });

  /** Two nodes with the same JANUS_URLS, as a deployment gives every node the same settings. */
  async function startNodes(urls: string[]): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const link = await RedisLink.open(redis.url, quiet);
      const placements = new RedisRoomPlacements(link, quiet);
      const inbox = new Inbox();
      const settings = { urls, apiSecret: januses[0]!.apiSecret, roomCap: 12 };
      const backend = new JanusBackend(settings, inbox.sink, () => [], quiet, placements);
      nodes.push({ backend, inbox, link, placements });
    }
  }
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((pc) => pc.close()));
    for (const node of nodes.splice(0)) {
      await node.backend.close();
      await node.link.close();
    }
  });

  /**
   * `peerId` publishes audio (and a camera, with `camera`) through `node` from a real WebRTC
   * peer; resolves once it is up. No media is sent: Janus needs only the connection.
   */
  async function publish(node: Node, roomId: string, peerId: string, camera = false) {
    const pc = newPeerConnection([]);
    peers.push(pc);
    pc.addTransceiver('audio', { direction: 'sendonly' });
    if (camera) pc.addTransceiver('video', { direction: 'sendonly' });
    onLocalCandidate(pc, (candidate) => {
      void node.backend
        .request(roomId, peerId, { kind: 'candidate', connection: 'publish', candidate })
        .catch(() => {});
    });
    node.inbox.on((to, payload) => {
      const notice = mediaNoticeSchema.safeParse(payload);
      if (to !== peerId || !notice.success || notice.data.kind !== 'candidate') return;
      if (notice.data.connection === 'publish' && notice.data.candidate) {
        void pc.addIceCandidate(notice.data.candidate).catch(() => {});
      }
    });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const slots = ['audio', 'camera'] as const;
    await node.backend.request(roomId, peerId, {
      kind: 'description',
      connection: 'publish',
      description: { type: 'offer', sdp: pc.localDescription?.sdp ?? offer.sdp },
      streams: pc
        .getTransceivers()
        .map((t, i) => ({ mid: t.mid ?? String(i), peerId, slot: slots[i] ?? 'camera' })),
    });
    const answer = await node.inbox.next(
      peerId,
      (p): p is DescriptionNotice =>
        p.kind === 'description' && p.connection === 'publish' && p.description.type === 'answer',
    );
    await pc.setRemoteDescription(answer.description);
    await connected(pc);
  }

  /**
   * `peerId`'s subscribe connection on `node`, from a real WebRTC peer that answers every offer
   * (so the subscriber goes on to the next change); returns the offers, as they come.
   */
  function answerSubscriptions(node: Node, roomId: string, peerId: string): DescriptionNotice[] {
    const pc = newPeerConnection([]);
    peers.push(pc);
    const offers: DescriptionNotice[] = [];
    onLocalCandidate(pc, (candidate) => {
      void node.backend
        .request(roomId, peerId, { kind: 'candidate', connection: 'subscribe', candidate })
        .catch(() => {});
    });
    let steps = Promise.resolve();
    node.inbox.on((to, payload) => {
      const notice = mediaNoticeSchema.safeParse(payload);
      if (to !== peerId || !notice.success) return;
      const message = notice.data;
      if (message.kind === 'candidate' && message.connection === 'subscribe') {
        const { candidate } = message;
        if (candidate) steps = steps.then(() => pc.addIceCandidate(candidate)).catch(() => {});
      } else if (message.kind === 'description' && message.connection === 'subscribe') {
        offers.push(message);
        steps = steps
          .then(async () => {
            await pc.setRemoteDescription(message.description);
            await pc.setLocalDescription(await pc.createAnswer());
            await node.backend.request(roomId, peerId, {
              kind: 'description',
              connection: 'subscribe',
              description: { type: 'answer', sdp: pc.localDescription!.sdp },
            });
          })
          .catch(() => {});
      }
    });
    return offers;
  }

  async function janusRoomExists(url: string, room: number): Promise<boolean> {
    const instance = new JanusInstance(url, januses[0]!.apiSecret, quiet);
    try {
      const handle = await instance.attach();
      return (await handle.exists({ room })).exists;
    } finally {
      await instance.close();
    }
  }

  it('puts participants of two nodes in one Janus room, each offered the other feed', async () => {
    await startNodes([januses[0]!.url]);
    const [a, b] = nodes as [Node, Node];
    const roomId = `room-${randomBytes(4).toString('hex')}`;

    await publish(a, roomId, 'ana');
    await publish(b, roomId, 'bob');
    // Each node subscribes its participant to the other node's publisher, named and slotted.
    const toBob = await b.inbox.next('bob', subscribeOfferWith('ana'));
    expect(toBob.streams).toContainEqual(expect.objectContaining({ peerId: 'ana', slot: 'audio' }));
    const toAna = await a.inbox.next('ana', subscribeOfferWith('bob'));
    expect(toAna.streams).toContainEqual(expect.objectContaining({ peerId: 'bob', slot: 'audio' }));
    // Nothing of Janus's own reaches a browser.
    expect(JSON.stringify(toBob)).not.toMatch(/feed|secret/);

    const placement = await a.placements.current(roomId);
    expect(placement?.instanceUrl).toBe(januses[0]!.url);
    // Ana's node empties first: the room stays, for Bob.
    await a.backend.left(roomId, 'ana');
    expect(await b.placements.current(roomId)).toEqual(placement);
    expect(await janusRoomExists(placement!.instanceUrl, placement!.janusRoomId)).toBe(true);
    // The last one out on any node: placement forgotten, Janus room destroyed.
    await b.backend.left(roomId, 'bob');
    expect(await a.placements.current(roomId)).toBeUndefined();
    expect(await janusRoomExists(placement!.instanceUrl, placement!.janusRoomId)).toBe(false);
  }, 60_000);

  // A node drains: its page resumes on the other node and publishes anew there, and Janus may
  // report the old feed gone only after the new one is up (the old node's sessions end as it
  // exits). Ordered here at its worst: the old publisher stays up throughout.
  it('moves a page to the other node: the others switch to its new feed at once, and it never gets its own', async () => {
    await startNodes([januses[0]!.url]);
    const [a, b] = nodes as [Node, Node];
    const roomId = `room-${randomBytes(4).toString('hex')}`;
    const toAna = answerSubscriptions(a, roomId, 'ana');
    answerSubscriptions(b, roomId, 'ben');
    await publish(a, roomId, 'ana');
    await publish(b, roomId, 'ben');
    await a.inbox.next('ana', subscribeOfferWith('ben'));
    const benStreams = (offer: DescriptionNotice) =>
      (offer.streams ?? []).filter((stream) => stream.peerId === 'ben');

    // Ben's page resumes on node a while his publisher through node b is still up.
    const offeredBefore = toAna.length;
    const toBen = answerSubscriptions(a, roomId, 'ben');
    await publish(a, roomId, 'ben');
    // Ana is offered Ben's new feed (his old one is dropped first, or in the same change)...
    await expect
      .poll(
        () =>
          toAna
            .slice(offeredBefore)
            .map((offer) => benStreams(offer).length)
            .at(-1),
        {
          timeout: 10_000,
        },
      )
      .toBe(1);
    // Ana was never offered his old and his new feed side by side...
    for (const offer of toAna) expect(benStreams(offer).length).toBeLessThanOrEqual(1);
    // ...and Ben, now on node a, gets Ana's feed but never his own old one.
    await a.inbox.next('ben', subscribeOfferWith('ana'));
    for (const offer of toBen) expect(benStreams(offer)).toEqual([]);

    // Node b hears that Ben's place moved on: it frees his old handles (the old feed goes) but
    // keeps whom he shows large, which node a shares now.
    await a.backend.request(roomId, 'ben', { kind: 'view', main: 'ana' });
    await b.backend.movedAway(roomId, 'ben');
    expect((await a.placements.views(roomId)).get('ben')).toBe('ana');
    // Node b exits: Ana keeps Ben's new feed.
    await b.backend.close();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(benStreams(toAna.at(-1)!)).toHaveLength(1);
  }, 60_000);

  it('has a publisher send its full camera layer while a viewer on the other node shows it large', async () => {
    await startNodes([januses[0]!.url]);
    const [a, b] = nodes as [Node, Node];
    const roomId = `room-${randomBytes(4).toString('hex')}`;
    const layers = (payload: MediaNotice) => (payload.kind === 'cameraLayers' ? payload : null);
    const layersFor =
      (layersWanted: string[]) =>
      (payload: MediaNotice): payload is CameraLayers =>
        layers(payload)?.layers.join() === layersWanted.join();

    await b.backend.request(roomId, 'bob', { kind: 'view', main: null });
    await publish(a, roomId, 'ana', true);
    // Nobody shows Ana large yet: her browser pauses the full layer.
    await a.inbox.next('ana', layersFor(['m', 'l']));
    a.inbox.clear();
    // Bob, on the other node, shows her large: she sends it again...
    await b.backend.request(roomId, 'bob', { kind: 'view', main: 'ana' });
    await a.inbox.next('ana', layersFor(['h', 'm', 'l']));
    // ...until Bob leaves, and nobody does any more.
    await b.backend.left(roomId, 'bob');
    await a.inbox.next('ana', layersFor(['m', 'l']));
  }, 60_000);

  it('follows a move another node agreed on, though its own Janus session is fine', async () => {
    await startNodes(januses.map((janus) => janus.url));
    const [a, b] = nodes as [Node, Node];
    const roomId = `room-${randomBytes(4).toString('hex')}`;
    await expect
      .poll(async () => (await a.link.commands.pubsub('NUMSUB', 'tertulia:janus:moved'))[1])
      .toBe(2);
    await a.backend.request(roomId, 'ana', { kind: 'view', main: null });
    await b.backend.request(roomId, 'bob', { kind: 'view', main: null });
    const before = (await a.placements.current(roomId))!;
    const other = januses.find((janus) => janus.url !== before.instanceUrl)!;

    // A third node saw the instance fail and moved the room: both nodes here go along.
    const after = await a.placements.moved(roomId, 'third-node', before, () => ({
      instanceUrl: other.url,
      janusRoomId: 1 + Math.floor(Math.random() * 2 ** 40),
      secret: randomBytes(18).toString('base64url'),
    }));
    await Promise.all([a.inbox.next('ana', isReset), b.inbox.next('bob', isReset)]);
    await publish(a, roomId, 'ana');
    await publish(b, roomId, 'bob');
    await b.inbox.next('bob', subscribeOfferWith('ana'));
    await a.inbox.next('ana', subscribeOfferWith('bob'));
    expect(await b.placements.current(roomId)).toEqual(after);
    await a.placements.forget(roomId, 'third-node');
  }, 60_000);

  // The node makes each participant's new subscriber in turn: Ana's must not ask the new place
  // for Bob's feed on the old one, which Janus refuses, and with it every later change.
  it('offers each of two participants on one node the other again once their room moved', async () => {
    await startNodes(januses.map((janus) => janus.url));
    const [a] = nodes as [Node, Node];
    const roomId = `room-${randomBytes(4).toString('hex')}`;
    answerSubscriptions(a, roomId, 'ana');
    answerSubscriptions(a, roomId, 'bob');
    await publish(a, roomId, 'ana');
    await publish(a, roomId, 'bob');
    await a.inbox.next('ana', subscribeOfferWith('bob'));
    await a.inbox.next('bob', subscribeOfferWith('ana'));
    const before = (await a.placements.current(roomId))!;
    const other = januses.find((janus) => janus.url !== before.instanceUrl)!;

    await a.placements.moved(roomId, 'third-node', before, () => ({
      instanceUrl: other.url,
      janusRoomId: 1 + Math.floor(Math.random() * 2 ** 40),
      secret: randomBytes(18).toString('base64url'),
    }));
    await Promise.all([a.inbox.next('ana', isReset), a.inbox.next('bob', isReset)]);
    a.inbox.clear();
    await publish(a, roomId, 'ana');
    await publish(a, roomId, 'bob');
    await a.inbox.next('ana', subscribeOfferWith('bob'));
    await a.inbox.next('bob', subscribeOfferWith('ana'));
    await a.placements.forget(roomId, 'third-node');
  }, 60_000);

  // Last: it stops one of the two Janus instances for good.
  it('moves a shared room once when its Janus stops, and both nodes follow it there', async () => {
    await startNodes(januses.map((janus) => janus.url));
    const [a, b] = nodes as [Node, Node];
    const roomId = `room-${randomBytes(4).toString('hex')}`;
    await a.backend.request(roomId, 'ana', { kind: 'view', main: null });
    await b.backend.request(roomId, 'bob', { kind: 'view', main: null });
    const before = await a.placements.current(roomId);
    const doomed = januses.find((janus) => janus.url === before?.instanceUrl)!;

    await doomed.stop();
    await Promise.all([a.inbox.next('ana', isReset), b.inbox.next('bob', isReset)]);
    const after = await a.placements.current(roomId);
    expect(after?.instanceUrl).not.toBe(doomed.url);
    // After the reset both publish again, into the one new room: each is offered the other.
    await publish(a, roomId, 'ana');
    await publish(b, roomId, 'bob');
    await b.inbox.next('bob', subscribeOfferWith('ana'));
    await a.inbox.next('ana', subscribeOfferWith('bob'));
    expect(await b.placements.current(roomId)).toEqual(after);
  }, 60_000);
});
