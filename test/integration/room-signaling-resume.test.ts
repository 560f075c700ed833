/**
 * The room's signaling server when sockets drop: resuming a place with the missed events
 * replayed in order, a fresh join replacing a dropped twin, the grace time and the heartbeat.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES, type ServerFrame } from '../../src/shared/signaling.js';
import { databaseKinds } from '../support/harness.js';
import { MEDIA_ON, type RoomClient } from '../support/room-client.js';
import { roomEnvironment } from '../support/room-environment.js';

const placeOf = (client: RoomClient) => ({
  peerId: client.peerId,
  resumeToken: client.resumeToken,
  lastSeq: client.lastSeq,
});

const reconnecting = (peerId: string, value: boolean) => (f: ServerFrame & { type: 'updated' }) =>
  f.participant.peerId === peerId && f.participant.reconnecting === value;

describe.each(databaseKinds)('room signaling: resume after a drop (%s)', (kind) => {
  const room = roomEnvironment(kind);

  it('gives the place back and replays exactly the missed events in order, then held signals', async () => {
    const token = await room.meeting();
    const ana = await room.guest(token, 'Ana');
    const bob = await room.guest(token, 'Bob');
    const carla = await room.guest(token, 'Carla');
    await ana.client.next('joined', (f) => f.participant.displayName === 'Carla');
    const place = placeOf(ana.client);
    expect(place.lastSeq).toBe(3);

    ana.client.terminate();
    for (const other of [bob.client, carla.client]) {
      await other.next('updated', reconnecting(place.peerId, true));
    }

    // Meanwhile: a chat, a newcomer, a media change, and an offer for Ana.
    bob.client.send({ type: 'chat', text: 'where did Ana go?' });
    await carla.client.next('chat');
    const dora = await room.guest(token, 'Dora');
    carla.client.send({ type: 'media', media: { audio: false, video: true, screen: false } });
    await bob.client.next('updated', (f) => f.participant.peerId === carla.client.peerId);
    const offer = {
      kind: 'description' as const,
      description: { type: 'offer' as const, sdp: 'v=0\r\n' },
    };
    bob.client.send({ type: 'signal', to: place.peerId, payload: offer });
    await bob.client.roundTrip();
    expect(bob.client.frames.some((f) => f.type === 'error')).toBe(false);

    const back = await room.connect(token, ana.bearer);
    const welcome = await back.hello(MEDIA_ON, place);
    expect(welcome).toMatchObject({
      resumed: true,
      peerId: place.peerId,
      resumeToken: place.resumeToken,
      seq: 8,
    });
    expect(welcome.participants.map((p) => [p.displayName, p.reconnecting])).toEqual([
      ['Ana', false],
      ['Bob', false],
      ['Carla', false],
      ['Dora', false],
    ]);
    expect(welcome.chat.map((m) => m.text)).toEqual(['where did Ana go?']);

    const signal = await back.next('signal');
    expect(signal).toEqual({ type: 'signal', from: bob.client.peerId, payload: offer });
    const afterWelcome = back.frames.slice(back.frames.indexOf(welcome) + 1);
    expect(afterWelcome.map((f) => ('seq' in f ? [f.type, f.seq] : [f.type]))).toEqual([
      ['updated', 4],
      ['chat', 5],
      ['joined', 6],
      ['updated', 7],
      ['updated', 8],
      ['signal'],
    ]);
    expect(afterWelcome[0]).toMatchObject({
      participant: { peerId: place.peerId, reconnecting: true },
    });
    expect(afterWelcome[2]).toMatchObject({ participant: { peerId: dora.client.peerId } });
    expect(afterWelcome[4]).toMatchObject({
      participant: { peerId: place.peerId, reconnecting: false },
    });

    for (const other of [bob.client, carla.client, dora.client]) {
      await other.next('updated', reconnecting(place.peerId, false));
    }
    // The place works as before: others still address Ana by the same peer id.
    carla.client.send({
      type: 'signal',
      to: place.peerId,
      payload: { kind: 'candidate', candidate: null },
    });
    expect(await back.next('signal')).toMatchObject({ from: carla.client.peerId });
  });

  it('a wrong resume token gives a fresh join: new peer id, and the dropped place is replaced', async () => {
    const token = await room.meeting();
    const ana = await room.guest(token, 'Ana');
    const bob = await room.guest(token, 'Bob');
    ana.client.terminate();
    await bob.client.next('updated', reconnecting(ana.client.peerId, true));

    const back = await room.connect(token, ana.bearer);
    const welcome = await back.hello(MEDIA_ON, {
      ...placeOf(ana.client),
      resumeToken: 'not-the-token',
    });
    expect(welcome.resumed).toBe(false);
    expect(welcome.peerId).not.toBe(ana.client.peerId);
    expect(welcome.resumeToken).not.toBe(ana.client.resumeToken);
    expect(await bob.client.next('left')).toMatchObject({
      peerId: ana.client.peerId,
      reason: 'replaced',
    });
    expect((await bob.client.next('joined')).participant.peerId).toBe(welcome.peerId);
  });

  it("another session presenting someone's place gets a fresh join; the place stays held", async () => {
    const token = await room.meeting();
    const ana = await room.guest(token, 'Ana');
    const bob = await room.guest(token, 'Bob');
    ana.client.terminate();
    await bob.client.next('updated', reconnecting(ana.client.peerId, true));

    const mallory = await room.connect(token, await room.session(token, 'Mallory'));
    const stolen = await mallory.hello(MEDIA_ON, placeOf(ana.client));
    expect(stolen.resumed).toBe(false);
    expect(stolen.peerId).not.toBe(ana.client.peerId);
    expect(stolen.participants.find((p) => p.peerId === ana.client.peerId)?.reconnecting).toBe(
      true,
    );

    const back = await room.connect(token, ana.bearer);
    expect((await back.hello(MEDIA_ON, placeOf(ana.client))).resumed).toBe(true);
    expect(bob.client.frames.some((f) => f.type === 'left')).toBe(false);
  });

  it('a fresh join by a session whose connection dropped removes the old place at once (replaced)', async () => {
    const token = await room.meeting();
    const ana = await room.guest(token, 'Ana');
    const bob = await room.guest(token, 'Bob');
    ana.client.terminate();
    await bob.client.next('updated', reconnecting(ana.client.peerId, true));

    const again = await room.connect(token, ana.bearer);
    const welcome = await again.hello();
    const left = await bob.client.next('left');
    expect(left).toMatchObject({ peerId: ana.client.peerId, reason: 'replaced' });
    expect(welcome.participants.map((p) => p.displayName)).toEqual(['Bob', 'Ana']);
    expect(welcome.participants.some((p) => p.peerId === ana.client.peerId)).toBe(false);
  });

  it('resuming while the old socket still looks open closes the old one with REPLACED (4010)', async () => {
    const token = await room.meeting();
    const ana = await room.guest(token, 'Ana');
    const bob = await room.guest(token, 'Bob');
    await ana.client.next('joined');

    const second = await room.connect(token, ana.bearer);
    const welcome = await second.hello(MEDIA_ON, placeOf(ana.client));
    expect(welcome).toMatchObject({ resumed: true, peerId: ana.client.peerId });
    expect((await ana.client.next('error')).code).toBe('REPLACED');
    expect((await ana.client.closed).code).toBe(CLOSE_CODES.REPLACED);

    bob.client.send({ type: 'chat', text: 'hello again' });
    expect((await second.next('chat')).message.text).toBe('hello again');
    await bob.client.roundTrip();
    expect(bob.client.frames.some((f) => f.type === 'left')).toBe(false);
  });
});

describe.each(databaseKinds)('room signaling: grace time and heartbeat (%s)', (kind) => {
  const room = roomEnvironment(kind, {
    ROOM_RECONNECT_GRACE_SECONDS: '1',
    ROOM_HEARTBEAT_MS: '200',
  });
  const PING_MS = 100;

  it('removes a dropped participant for the others after the grace time (left, timeout)', async () => {
    const token = await room.meeting();
    const ana = await room.guest(token, 'Ana');
    const bob = await room.guest(token, 'Bob');
    ana.client.keepAlive(PING_MS);
    bob.client.keepAlive(PING_MS);
    ana.client.terminate();

    await bob.client.next('updated', reconnecting(ana.client.peerId, true));
    expect(await bob.client.next('left')).toMatchObject({
      peerId: ana.client.peerId,
      reason: 'timeout',
    });
    // Too late to resume: a fresh join.
    const back = await room.connect(token, ana.bearer);
    back.keepAlive(PING_MS);
    const welcome = await back.hello(MEDIA_ON, placeOf(ana.client));
    expect(welcome.resumed).toBe(false);
    expect(welcome.participants.map((p) => p.displayName)).toEqual(['Bob', 'Ana']);
  });

  it('ends a connection that stops sending anything, and removes it after the grace time', async () => {
    const token = await room.meeting();
    const silent = await room.guest(token, 'Silent Sam');
    const lively = await room.guest(token, 'Lively Lee');
    expect(lively.client.frames[0]).toMatchObject({ type: 'welcome', heartbeatMs: 200 });
    lively.client.keepAlive(PING_MS);

    // Never a frame after hello: five heartbeat periods later the server cuts it.
    expect((await silent.client.closed).code).toBe(1006);
    await lively.client.next('updated', reconnecting(silent.client.peerId, true));
    expect(await lively.client.next('left')).toMatchObject({
      peerId: silent.client.peerId,
      reason: 'timeout',
    });

    // The one that pinged all along is still there and working.
    expect(lively.client.isOpen).toBe(true);
    lively.client.send({ type: 'chat', text: 'just me' });
    expect((await lively.client.next('chat')).message.text).toBe('just me');
  });
});

describe.each(databaseKinds)('room signaling: a late ping (%s)', (kind) => {
  const HEARTBEAT_MS = 400;
  // The hub's sweep (setInterval) and the time it compares (Date) are fake from before the app
  // starts until after it closes (these hooks are registered before roomEnvironment's), so the
  // test moves time by exact periods; sockets, database and the client's waits stay real.
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  });
  afterAll(() => {
    vi.useRealTimers();
  });
  const room = roomEnvironment(kind, { ROOM_HEARTBEAT_MS: String(HEARTBEAT_MS) });

  it('keeps a connection silent for four periods, as a page starved of CPU pings late', async () => {
    const token = await room.meeting();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS / 2); // the hello lands between two sweeps
    const late = await room.guest(token, 'Late Lou');
    // The last sweep before the ping sees 4.5 periods without a frame: past the 3 (or 4) that
    // would end it, short of the 5 that do. A cut connection fails the ping below.
    await vi.advanceTimersByTimeAsync(4.5 * HEARTBEAT_MS);
    expect(late.client.isOpen).toBe(true);
    late.client.send({ type: 'ping', at: 1 });
    expect(await late.client.next('pong')).toMatchObject({ type: 'pong', at: 1 });
  });
});
