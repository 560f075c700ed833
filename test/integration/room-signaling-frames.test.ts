/**
 * The room's signaling server against frames outside the protocol: each gets an `error` frame
 * with a stable code and the socket stays up; only a flood closes a socket, and only that one.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CLOSE_CODES,
  MAX_CHAT_CHARS,
  MAX_FRAME_BYTES,
  RATE_LIMIT,
  type SignalingErrorCode,
} from '../../src/shared/signaling.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';
import {
  MEDIA_ON,
  RoomClient,
  guestToken,
  listen,
  quickMeeting,
  roomUrl,
} from '../support/room-client.js';

describe.each(databaseKinds)('room signaling: bad frames and floods (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  let organizerCookie: string;
  /** A fresh meeting per test: dropped sockets of earlier tests keep their places a while. */
  let token: string;
  let clients: RoomClient[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind);
    const member = await t.createMember();
    organizerCookie = await t.login(member.email, member.password);
    base = await listen(t);
  });
  beforeEach(async () => {
    token = (await quickMeeting(t, organizerCookie)).token;
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    for (const client of clients) client.terminate();
    clients = [];
  });

  async function connected(name: string): Promise<RoomClient> {
    const client = await RoomClient.connect(roomUrl(base, token), {
      bearer: await guestToken(t, token, name),
    });
    clients.push(client);
    return client;
  }

  async function joined(name: string): Promise<RoomClient> {
    const client = await connected(name);
    await client.hello();
    return client;
  }

  /** The error the last frame earned, then proof the socket still works. */
  async function expectErrorAndAlive(client: RoomClient, code: SignalingErrorCode) {
    const error = await client.next('error');
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
    await client.roundTrip();
    expect(client.isOpen).toBe(true);
    return error;
  }

  const chat = (text: unknown) => JSON.stringify({ type: 'chat', text });

  it.each([
    ['invalid JSON', '{"type": "chat", "text": '],
    ['JSON that is not an object', '42'],
    ['null', 'null'],
    ['an unknown type', JSON.stringify({ type: 'dance', moves: 3 })],
    ['no type at all', JSON.stringify({ media: MEDIA_ON })],
    ['a missing field', JSON.stringify({ type: 'media' })],
    [
      'a field of the wrong type',
      JSON.stringify({ type: 'media', media: { ...MEDIA_ON, audio: 'yes' } }),
    ],
    ['a chat too long', chat('x'.repeat(MAX_CHAT_CHARS + 1))],
    ['an empty chat', chat('')],
    ['a chat of spaces only', chat('   \n ')],
    ['a chat text that is a number', chat(7)],
    ['a signal without payload', JSON.stringify({ type: 'signal', to: 'someone' })],
    [
      'a signal with a bad description',
      JSON.stringify({
        type: 'signal',
        to: 'x',
        payload: { kind: 'description', description: { type: 'pranswer', sdp: '' } },
      }),
    ],
    [
      'a signal payload without its kind',
      JSON.stringify({ type: 'signal', to: 'x', payload: { candidate: null } }),
    ],
    [
      'a signal of a kind nobody sends',
      JSON.stringify({ type: 'signal', to: 'x', payload: { kind: 'hangup' } }),
    ],
    [
      'a signal with a camera size that is not large or small',
      JSON.stringify({ type: 'signal', to: 'x', payload: { kind: 'cameraSize', size: 'huge' } }),
    ],
    [
      'a resume without its token',
      JSON.stringify({ type: 'hello', media: MEDIA_ON, resume: { peerId: 'p', lastSeq: 1 } }),
    ],
  ])('answers %s with BAD_FRAME and keeps the socket', async (_what, frame) => {
    const client = await joined('Ana');
    client.sendRaw(frame);
    await expectErrorAndAlive(client, 'BAD_FRAME');
  });

  it('says which field is wrong', async () => {
    const client = await joined('Ana');
    client.sendRaw(JSON.stringify({ type: 'media', media: { ...MEDIA_ON, video: 1 } }));
    const error = await expectErrorAndAlive(client, 'BAD_FRAME');
    expect(error.message).toContain('media.video');
  });

  it('answers a binary frame with BAD_FRAME', async () => {
    const client = await joined('Ana');
    client.sendRaw(Buffer.from(JSON.stringify({ type: 'ping' })));
    const error = await expectErrorAndAlive(client, 'BAD_FRAME');
    expect(error.message).toMatch(/binary/);
  });

  it('answers a frame over MAX_FRAME_BYTES with FRAME_TOO_LARGE, even one valid otherwise', async () => {
    const client = await joined('Ana');
    const sdp = 'a'.repeat(MAX_FRAME_BYTES);
    client.send({
      type: 'signal',
      to: 'anyone',
      payload: { kind: 'description', description: { type: 'offer', sdp } },
    });
    await expectErrorAndAlive(client, 'FRAME_TOO_LARGE');
    // Just under the cap is read (and then judged on its content).
    const fits = JSON.stringify({ type: 'chat', text: 'x' });
    client.sendRaw(fits.padEnd(MAX_FRAME_BYTES, ' '));
    expect((await client.next('chat')).message.text).toBe('x');
  });

  it('answers anything but hello and ping before hello with NOT_JOINED, then lets hello in', async () => {
    const client = await connected('Ana');
    client.send({ type: 'media', media: MEDIA_ON });
    await expectErrorAndAlive(client, 'NOT_JOINED');
    client.send({ type: 'chat', text: 'hi' });
    await expectErrorAndAlive(client, 'NOT_JOINED');
    client.send({ type: 'signal', to: 'x', payload: { kind: 'candidate', candidate: null } });
    await expectErrorAndAlive(client, 'NOT_JOINED');
    client.send({ type: 'leave' });
    await expectErrorAndAlive(client, 'NOT_JOINED');
    const welcome = await client.hello();
    expect(welcome.participants.map((p) => p.displayName)).toContain('Ana');
  });

  it('answers a second hello with ALREADY_JOINED and keeps the first place', async () => {
    const client = await joined('Ana');
    const peerId = client.peerId;
    client.send({ type: 'hello', media: MEDIA_ON });
    await expectErrorAndAlive(client, 'ALREADY_JOINED');
    expect(client.frames.filter((f) => f.type === 'welcome')).toHaveLength(1);
    client.send({ type: 'media', media: { ...MEDIA_ON, audio: false } });
    expect((await client.next('updated')).participant.peerId).toBe(peerId);
  });

  it('answers a signal to an unknown peer or to oneself with UNKNOWN_PEER', async () => {
    const ana = await joined('Ana');
    const bob = await joined('Bob');
    const payload = { kind: 'candidate' as const, candidate: null };
    ana.send({ type: 'signal', to: 'nobody-here', payload });
    await expectErrorAndAlive(ana, 'UNKNOWN_PEER');
    ana.send({ type: 'signal', to: ana.peerId, payload });
    await expectErrorAndAlive(ana, 'UNKNOWN_PEER');
    ana.send({ type: 'signal', to: bob.peerId, payload });
    expect(await bob.next('signal')).toMatchObject({ from: ana.peerId, payload });
    // How Ana shows Bob's camera reaches Bob as it was sent.
    ana.send({ type: 'signal', to: bob.peerId, payload: { kind: 'cameraSize', size: 'small' } });
    expect(await bob.next('signal')).toEqual({
      type: 'signal',
      from: ana.peerId,
      payload: { kind: 'cameraSize', size: 'small' },
    });
  });

  it.each([
    ['reset', { kind: 'reset' }],
    ['cameraLayers', { kind: 'cameraLayers', layers: ['l'] }],
    ['view', { kind: 'view', main: null }],
    ['iceRestart', { kind: 'iceRestart' }],
  ])(
    'refuses %s to a peer with BAD_FRAME: only the media server sends or takes it',
    async (_kind, payload) => {
      const ana = await joined('Ana');
      const bob = await joined('Bob');
      ana.sendRaw(JSON.stringify({ type: 'signal', to: bob.peerId, payload }));
      await expectErrorAndAlive(ana, 'BAD_FRAME');
      await bob.roundTrip();
      expect(bob.frames.some((f) => f.type === 'signal')).toBe(false);
    },
  );

  it('refuses a signal to someone in another meeting with UNKNOWN_PEER', async () => {
    const ana = await joined('Ana');
    const other = await quickMeeting(t, organizerCookie);
    const zoe = await RoomClient.connect(roomUrl(base, other.token), {
      bearer: await guestToken(t, other.token, 'Zoe'),
    });
    clients.push(zoe);
    await zoe.hello();
    ana.send({ type: 'signal', to: zoe.peerId, payload: { kind: 'candidate', candidate: null } });
    await expectErrorAndAlive(ana, 'UNKNOWN_PEER');
    await zoe.roundTrip();
    expect(zoe.frames.some((f) => f.type === 'signal')).toBe(false);
  });

  it('closes only a flooding socket, with RATE_LIMITED and 4008; the others keep working', async () => {
    const calm = await joined('Calm Carla');
    const flooder = await joined('Flooding Fred');
    await calm.next('joined');

    // The burst allowance is honoured (hello took one token)...
    for (let i = 1; i < RATE_LIMIT.burst; i += 1) flooder.send({ type: 'ping', at: i });
    await flooder.next('pong', (pong) => pong.at === RATE_LIMIT.burst - 1);
    expect(flooder.frames.some((f) => f.type === 'error')).toBe(false);
    // ...and what goes past it (more than the refill at perSecond) ends the connection.
    for (let i = 0; i < RATE_LIMIT.perSecond; i += 1) flooder.send({ type: 'ping' });
    expect((await flooder.next('error')).code).toBe('RATE_LIMITED');
    expect(await flooder.closed).toMatchObject({ code: CLOSE_CODES.RATE_LIMITED });

    expect(calm.isOpen).toBe(true);
    calm.send({ type: 'chat', text: 'still here' });
    expect((await calm.next('chat')).message.text).toBe('still here');
    // For the others the flooder is a dropped connection: held for the grace time.
    const updated = await calm.next('updated', (f) => f.participant.peerId === flooder.peerId);
    expect(updated.participant.reconnecting).toBe(true);
  });

  it('cuts a socket sending unreadable frames long before its burst allowance', async () => {
    const calm = await joined('Calm Carla');
    const fuzzer = await joined('Fuzzing Fiona');
    await calm.next('joined');

    // Each unreadable frame costs ten of the rate cap: 200 of them would be 200 answers in a row.
    const sent = RATE_LIMIT.burst / 5;
    for (let i = 0; i < sent; i += 1) fuzzer.sendRaw(i % 2 ? '{' : '{"type":"nope"}');
    expect(await fuzzer.closed).toMatchObject({ code: CLOSE_CODES.RATE_LIMITED });
    const codes = fuzzer.frames.flatMap((f) => (f.type === 'error' ? [f.code] : []));
    expect(codes.at(-1)).toBe('RATE_LIMITED');
    expect(codes.filter((code) => code === 'BAD_FRAME').length).toBeLessThanOrEqual(
      RATE_LIMIT.burst / 10,
    );

    calm.send({ type: 'chat', text: 'still here' });
    expect((await calm.next('chat')).message.text).toBe('still here');
  });
});
