/**
 * The room's signaling with the janus media backend, against a real Janus (Debian's package,
 * started with a generated loopback configuration): browsers negotiate with the `media`
 * pseudo-peer, get Janus's answers through our frames, and a request Janus refuses is that
 * participant's MEDIA_ERROR while the socket and the room go on. Without p2p's mesh, `media` is
 * a real address; with p2p it stays an unknown peer.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_PEER_ID, type SignalingErrorCode } from '../../src/shared/signaling.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { audioOffer } from '../support/janus-offer.js';
import {
  JANUS_MISSING,
  janusBinary,
  startLocalJanus,
  type StartedJanus,
} from '../support/local-janus.js';
import { RoomClient, guestToken, listen, quickMeeting, roomUrl } from '../support/room-client.js';

async function expectErrorAndAlive(client: RoomClient, code: SignalingErrorCode): Promise<void> {
  expect((await client.next('error')).code).toBe(code);
  await client.roundTrip();
  expect(client.isOpen).toBe(true);
}

describe.skipIf(!janusBinary())('room signaling with the janus backend', () => {
  let janus: StartedJanus;
  let t: TestApp;
  let base: string;
  let organizerCookie: string;
  let clients: RoomClient[] = [];

  beforeAll(async () => {
    janus = await startLocalJanus(mkdtempSync(path.join(os.tmpdir(), 'tertulia-janus-test-')));
    t = await startTestApp('sqlite', { ...janus.env, JANUS_ROOM_CAP: '12' });
    const member = await t.createMember();
    organizerCookie = await t.login(member.email, member.password);
    base = await listen(t);
  });
  afterAll(async () => {
    await t?.close();
    await janus?.stop();
  });
  afterEach(() => {
    for (const client of clients) client.terminate();
    clients = [];
  });

  async function joined(token: string, name: string): Promise<RoomClient> {
    const client = await RoomClient.connect(roomUrl(base, token), {
      bearer: await guestToken(t, token, name),
    });
    clients.push(client);
    await client.hello();
    return client;
  }

  it('names the janus backend and its own room cap in welcome', async () => {
    const { token } = await quickMeeting(t, organizerCookie);
    const client = await RoomClient.connect(roomUrl(base, token), {
      bearer: await guestToken(t, token, 'Ana'),
    });
    clients.push(client);
    const welcome = await client.hello();
    expect(welcome.media).toMatchObject({ backend: 'janus', roomCap: 12 });
  });

  it("answers a publish offer from the media pseudo-peer with Janus's SDP and nothing of Janus's", async () => {
    const { token } = await quickMeeting(t, organizerCookie);
    const ana = await joined(token, 'Ana');
    ana.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: {
        kind: 'description',
        connection: 'publish',
        description: { type: 'offer', sdp: audioOffer() },
      },
    });
    const answer = await ana.next('signal');
    expect(answer.from).toBe(MEDIA_PEER_ID);
    expect(Object.keys(answer.payload).sort()).toEqual(['connection', 'description', 'kind']);
    expect(answer.payload).toMatchObject({
      connection: 'publish',
      description: { type: 'answer', sdp: expect.stringContaining('m=audio') },
    });
    expect(JSON.stringify(answer)).not.toContain(janus.apiSecret);
    // Janus names its room in the SDP session line; that never reaches the browser.
    const sdp = (answer.payload as { description: { sdp: string } }).description.sdp;
    expect(sdp).toMatch(/^s=-\r$/m);
    expect(sdp).not.toMatch(/VideoRoom/);
  });

  it('gives MEDIA_ERROR for SDP Janus refuses; the socket stays up and others still publish', async () => {
    const { token } = await quickMeeting(t, organizerCookie);
    const ana = await joined(token, 'Ana');
    const bob = await joined(token, 'Bob');
    ana.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: {
        kind: 'description',
        connection: 'publish',
        description: { type: 'offer', sdp: 'v=0\r\nnonsense' },
      },
    });
    await expectErrorAndAlive(ana, 'MEDIA_ERROR');
    bob.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: {
        kind: 'description',
        connection: 'publish',
        description: { type: 'offer', sdp: audioOffer() },
      },
    });
    expect((await bob.next('signal')).payload).toMatchObject({ connection: 'publish' });
  });

  it('gives MEDIA_ERROR for what makes no sense with an SFU', async () => {
    const { token } = await quickMeeting(t, organizerCookie);
    const ana = await joined(token, 'Ana');
    const sdp = audioOffer();
    // No connection named; an answer nobody asked for; an offer on the subscribe connection.
    ana.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: { kind: 'description', description: { type: 'offer', sdp } },
    });
    await expectErrorAndAlive(ana, 'MEDIA_ERROR');
    ana.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: {
        kind: 'description',
        connection: 'subscribe',
        description: { type: 'answer', sdp },
      },
    });
    await expectErrorAndAlive(ana, 'MEDIA_ERROR');
    ana.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: {
        kind: 'description',
        connection: 'subscribe',
        description: { type: 'offer', sdp },
      },
    });
    await expectErrorAndAlive(ana, 'MEDIA_ERROR');
    // No subscribe connection yet, so none to restart.
    ana.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: { kind: 'iceRestart' },
    });
    await expectErrorAndAlive(ana, 'MEDIA_ERROR');
    // Only the server picks which camera layers a browser sends.
    ana.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: { kind: 'cameraLayers', layers: ['h'] },
    });
    await expectErrorAndAlive(ana, 'MEDIA_ERROR');
    // A p2p peer's word on how it shows a camera means nothing to the media server.
    ana.send({ type: 'signal', to: MEDIA_PEER_ID, payload: { kind: 'cameraSize', size: 'small' } });
    await expectErrorAndAlive(ana, 'MEDIA_ERROR');
    // Only the server moves a room to another media server.
    ana.send({ type: 'signal', to: MEDIA_PEER_ID, payload: { kind: 'reset' } });
    await expectErrorAndAlive(ana, 'MEDIA_ERROR');
    // Nothing goes from browser to browser: the media server carries everything.
    const bob = await joined(token, 'Bob');
    ana.send({ type: 'signal', to: bob.peerId, payload: { kind: 'candidate', candidate: null } });
    await expectErrorAndAlive(ana, 'MEDIA_ERROR');
  });
});

describe.skipIf(!janusBinary())('room signaling with a Janus this node runs itself', () => {
  let t: TestApp;

  beforeAll(async () => {
    // MEDIA=janus without JANUS_URLS: the app starts Janus with a loopback configuration.
    t = await startTestApp('sqlite', { MEDIA: 'janus' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers a publish offer through the local Janus', async () => {
    const member = await t.createMember();
    const cookie = await t.login(member.email, member.password);
    const base = await listen(t);
    const { token } = await quickMeeting(t, cookie);
    const ana = await RoomClient.connect(roomUrl(base, token), {
      bearer: await guestToken(t, token, 'Ana'),
    });
    expect((await ana.hello()).media.backend).toBe('janus');
    ana.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: {
        kind: 'description',
        connection: 'publish',
        description: { type: 'offer', sdp: audioOffer() },
      },
    });
    // The first room waits for Janus to start.
    const answer = await ana.next('signal', () => true, 20_000);
    expect(answer.payload).toMatchObject({
      connection: 'publish',
      description: { type: 'answer' },
    });
    ana.terminate();
  }, 30_000);
});

describe('room signaling with the p2p backend', () => {
  let t: TestApp;
  let base: string;
  let organizerCookie: string;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { MEDIA: 'p2p' });
    const member = await t.createMember();
    organizerCookie = await t.login(member.email, member.password);
    base = await listen(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('treats the media pseudo-peer as an unknown peer', async () => {
    const { token } = await quickMeeting(t, organizerCookie);
    const ana = await RoomClient.connect(roomUrl(base, token), {
      bearer: await guestToken(t, token, 'Ana'),
    });
    await ana.hello();
    ana.send({
      type: 'signal',
      to: MEDIA_PEER_ID,
      payload: { kind: 'candidate', candidate: null },
    });
    await expectErrorAndAlive(ana, 'UNKNOWN_PEER');
    ana.terminate();
  });
});

if (!janusBinary()) console.warn(`room-janus.test.ts: the janus tests skip: ${JANUS_MISSING}`);
