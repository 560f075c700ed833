/**
 * The room's signaling server and its media setup: the p2p room cap (from the environment and
 * from the admin settings, without a restart) and the STUN/TURN servers handed to browsers,
 * with coturn `use-auth-secret` credentials.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/shared/signaling.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';
import { RoomClient, guestToken, listen, quickMeeting, roomUrl } from '../support/room-client.js';

describe.each(databaseKinds)('room signaling: room cap (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  let adminCookie: string;
  let clients: RoomClient[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind, { P2P_ROOM_CAP: '2' });
    const admin = await t.createMember({ role: 'admin' });
    adminCookie = await t.login(admin.email, admin.password);
    base = await listen(t);
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    for (const client of clients) client.terminate();
    clients = [];
  });

  async function connect(token: string, name: string): Promise<RoomClient> {
    const client = await RoomClient.connect(roomUrl(base, token), {
      bearer: await guestToken(t, token, name),
    });
    clients.push(client);
    return client;
  }

  async function expectFull(client: RoomClient) {
    client.send({ type: 'hello', media: { audio: true, video: true, screen: false } });
    expect((await client.next('error')).code).toBe('ROOM_FULL');
    expect((await client.closed).code).toBe(CLOSE_CODES.ROOM_FULL);
    expect(client.frames.some((f) => f.type === 'welcome')).toBe(false);
  }

  it('turns away the participant over the cap with ROOM_FULL (4009); a place freed lets the next in', async () => {
    const { token } = await quickMeeting(t, adminCookie);
    const ana = await connect(token, 'Ana');
    expect((await ana.hello()).media.roomCap).toBe(2);
    const bob = await connect(token, 'Bob');
    await bob.hello();

    await expectFull(await connect(token, 'Carla'));
    // Nobody in the room heard of the one turned away.
    await ana.roundTrip();
    expect(ana.frames.filter((f) => f.type === 'joined')).toHaveLength(1);

    bob.send({ type: 'leave' });
    await ana.next('left');
    const dora = await connect(token, 'Dora');
    expect((await dora.hello()).participants.map((p) => p.displayName)).toEqual(['Ana', 'Dora']);
  });

  it('counts a dropped participant held for the grace time', async () => {
    const { token } = await quickMeeting(t, adminCookie);
    const ana = await connect(token, 'Ana');
    await ana.hello();
    const bob = await connect(token, 'Bob');
    await bob.hello();
    bob.terminate();
    await ana.next('updated', (f) => f.participant.reconnecting);
    await expectFull(await connect(token, 'Carla'));
  });

  it('applies a cap changed in the admin settings to the next join, without a restart', async () => {
    const { token } = await quickMeeting(t, adminCookie);
    for (const name of ['Ana', 'Bob']) await (await connect(token, name)).hello();
    await expectFull(await connect(token, 'Carla'));

    const patch = (p2pRoomCap: number | null) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/admin/settings',
        headers: { cookie: adminCookie },
        payload: { p2pRoomCap },
      });
    expect((await patch(3)).statusCode).toBe(200);
    const carla = await connect(token, 'Carla');
    expect((await carla.hello()).media.roomCap).toBe(3);
    await expectFull(await connect(token, 'Dora'));

    // Back to the configured default (2): those inside stay, nobody more comes in.
    expect((await patch(null)).statusCode).toBe(200);
    await carla.roundTrip();
    expect(carla.isOpen).toBe(true);
    await expectFull(await connect(token, 'Eve'));
  });
});

describe.each(databaseKinds)('room signaling: ICE servers (%s)', (kind) => {
  const SECRET = 'a-coturn-static-auth-secret';
  let t: TestApp;
  let base: string;
  let client: RoomClient | undefined;

  beforeAll(async () => {
    t = await startTestApp(kind, {
      ICE_SERVERS: 'stun:stun.example.org:3478,turn:turn.example.org:3478',
      TURN_SECRET: SECRET,
      TURN_TTL_SECONDS: '3600',
    });
    base = await listen(t);
  });
  afterAll(async () => {
    client?.terminate();
    await t.close();
  });

  it('hands out the configured servers, TURN with an expiring HMAC credential per participant', async () => {
    const member = await t.createMember();
    const { token } = await quickMeeting(t, await t.login(member.email, member.password));
    client = await RoomClient.connect(roomUrl(base, token), {
      bearer: await guestToken(t, token, 'Ana'),
    });
    const welcome = await client.hello();

    // The test clock stands at 2030-03-01T10:00:00Z; the credential lasts TURN_TTL_SECONDS.
    const expiry = Date.parse('2030-03-01T10:00:00Z') / 1000 + 3600;
    const username = `${expiry}:${welcome.peerId}`;
    expect(welcome.media.iceServers).toEqual([
      { urls: 'stun:stun.example.org:3478' },
      {
        urls: 'turn:turn.example.org:3478',
        username,
        credential: createHmac('sha1', SECRET).update(username).digest('base64'),
      },
    ]);
  });
});
