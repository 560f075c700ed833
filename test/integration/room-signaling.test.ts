/**
 * The room's signaling server through real WebSocket clients: joining (welcome, roster, events),
 * who may connect, media state, negotiation relay, chat and leaving.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/shared/signaling.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';
import {
  MEDIA_ON,
  RoomClient,
  guestToken,
  listen,
  quickMeeting,
  roomUrl,
  type ConnectOptions,
} from '../support/room-client.js';

describe.each(databaseKinds)('room signaling (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  let organizer: { id: string; cookie: string };
  let clients: RoomClient[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind);
    const member = await t.createMember({ displayName: 'Olga Organizer' });
    organizer = { id: member.id, cookie: await t.login(member.email, member.password) };
    base = await listen(t);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    t.clock.set('2030-03-01T10:00:00.000Z');
  });
  afterEach(() => {
    for (const client of clients) client.terminate();
    clients = [];
  });

  async function connect(token: string, options: ConnectOptions): Promise<RoomClient> {
    const client = await RoomClient.connect(roomUrl(base, token), options);
    clients.push(client);
    return client;
  }

  /** A guest of this meeting, connected and joined. */
  async function guest(token: string, name: string) {
    const client = await connect(token, { bearer: await guestToken(t, token, name) });
    const welcome = await client.hello();
    return { client, welcome };
  }

  describe('joining', () => {
    it('welcomes a guest with its place, the roster, the chat, the media setup and the heartbeat', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const client = await connect(token, { bearer: await guestToken(t, token, 'Ana') });
      const welcome = await client.hello({ audio: true, video: false, screen: false });
      expect(welcome).toMatchObject({
        type: 'welcome',
        resumed: false,
        chat: [],
        media: { backend: 'p2p', iceServers: [], roomCap: 6 },
        heartbeatMs: 2_000,
      });
      expect(welcome.peerId).toMatch(/^[\w-]{8,64}$/);
      expect(welcome.resumeToken.length).toBeGreaterThanOrEqual(32);
      expect(welcome.seq).toBe(1);
      expect(welcome.participants).toEqual([
        {
          peerId: welcome.peerId,
          displayName: 'Ana',
          avatarUrl: null,
          kind: 'guest',
          joinedAt: '2030-03-01T10:00:00.000Z',
          media: { audio: true, video: false, screen: false },
          reconnecting: false,
        },
      ]);
    });

    it('tells those already in the room with `joined`, and the newcomer gets everyone in welcome', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const ana = await guest(token, 'Ana');
      t.clock.advanceMs(60_000);
      const bob = await guest(token, 'Bob');

      const joined = await ana.client.next('joined');
      expect(joined).toMatchObject({
        seq: 2,
        participant: { peerId: bob.welcome.peerId, displayName: 'Bob', kind: 'guest' },
      });
      expect(bob.welcome.seq).toBe(2);
      expect(bob.welcome.participants.map((p) => [p.displayName, p.joinedAt])).toEqual([
        ['Ana', '2030-03-01T10:00:00.000Z'],
        ['Bob', '2030-03-01T10:01:00.000Z'],
      ]);
      // The newcomer does not hear about its own arrival a second time.
      await bob.client.roundTrip();
      expect(bob.client.pending()).toEqual([]);
      expect(bob.welcome.peerId).not.toBe(ana.welcome.peerId);
    });

    it('sends a media change as `updated` to everyone, the sender included', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const ana = await guest(token, 'Ana');
      const bob = await guest(token, 'Bob');
      await ana.client.next('joined');

      const media = { audio: false, video: true, screen: true };
      bob.client.send({ type: 'media', media });
      for (const client of [ana.client, bob.client]) {
        const updated = await client.next('updated');
        expect(updated).toMatchObject({
          seq: 3,
          participant: { peerId: bob.welcome.peerId, media, reconnecting: false },
        });
      }
      const carla = await guest(token, 'Carla');
      expect(carla.welcome.participants.find((p) => p.displayName === 'Bob')?.media).toEqual(media);
    });

    it('`leave` closes the socket with 4000 and tells the others `left` with reason left', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const ana = await guest(token, 'Ana');
      const bob = await guest(token, 'Bob');
      await ana.client.next('joined');

      bob.client.send({ type: 'leave' });
      expect((await bob.client.closed).code).toBe(CLOSE_CODES.LEFT);
      expect(await ana.client.next('left')).toEqual({
        type: 'left',
        seq: 3,
        peerId: bob.welcome.peerId,
        reason: 'left',
      });
      const carla = await guest(token, 'Carla');
      expect(carla.welcome.participants.map((p) => p.displayName)).toEqual(['Ana', 'Carla']);
    });

    it('answers a ping with a pong carrying the same `at`', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const ana = await guest(token, 'Ana');
      ana.client.send({ type: 'ping', at: 1234.5 });
      expect(await ana.client.next('pong')).toEqual({ type: 'pong', at: 1234.5 });
    });
  });

  describe('who may connect', () => {
    it('lets the organizer in with the member session cookie, as a member', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const client = await connect(token, { cookie: organizer.cookie });
      const welcome = await client.hello();
      expect(welcome.participants).toMatchObject([
        { displayName: 'Olga Organizer', kind: 'member' },
      ]);
    });

    it('lets a guest in with the tertulia_guest cookie, and from the app origin', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const guestCookie = `tertulia_guest=${await guestToken(t, token, 'Ana')}`;
      const client = await connect(token, { cookie: guestCookie, origin: 'http://tertulia.test' });
      expect((await client.hello()).participants).toMatchObject([{ displayName: 'Ana' }]);
    });

    it('refuses a guest token of another meeting with 401, by bearer or by cookie', async () => {
      const first = await quickMeeting(t, organizer.cookie);
      const second = await quickMeeting(t, organizer.cookie);
      const other = await guestToken(t, first.token, 'Ana');
      const url = roomUrl(base, second.token);
      expect(await RoomClient.refusal(url, { bearer: other })).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      expect(await RoomClient.refusal(url, { cookie: `tertulia_guest=${other}` })).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    });

    it('refuses a connection without credentials (401), or a made-up token', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const url = roomUrl(base, token);
      expect(await RoomClient.refusal(url)).toMatchObject({ status: 401 });
      expect(await RoomClient.refusal(url, { bearer: 'not-a-token' })).toMatchObject({
        status: 401,
      });
      expect(
        await RoomClient.refusal(roomUrl(base, randomBytes(16).toString('base64url'))),
      ).toMatchObject({
        status: 404,
        code: 'MEETING_NOT_FOUND',
      });
    });

    it("refuses another site's page (foreign Origin) with 403, even with a valid session", async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const bearer = await guestToken(t, token, 'Ana');
      expect(
        await RoomClient.refusal(roomUrl(base, token), {
          bearer,
          origin: 'https://evil.example',
        }),
      ).toEqual({ status: 403, code: 'FOREIGN_ORIGIN' });
      expect(
        await RoomClient.refusal(roomUrl(base, token), {
          cookie: organizer.cookie,
          origin: 'http://tertulia.test.evil.example',
        }),
      ).toMatchObject({ status: 403 });
    });

    it('refuses a cancelled meeting and one whose join window has closed (409)', async () => {
      const cancelled = await quickMeeting(t, organizer.cookie);
      const bearer = await guestToken(t, cancelled.token, 'Ana');
      await t.app.inject({
        method: 'DELETE',
        url: `/api/meetings/${cancelled.id}`,
        headers: { cookie: organizer.cookie },
      });
      expect(await RoomClient.refusal(roomUrl(base, cancelled.token), { bearer })).toEqual({
        status: 409,
        code: 'MEETING_CANCELLED',
      });

      const ended = await quickMeeting(t, organizer.cookie);
      t.clock.advanceMs(24 * 3_600_000);
      expect(
        await RoomClient.refusal(roomUrl(base, ended.token), { cookie: organizer.cookie }),
      ).toEqual({ status: 409, code: 'MEETING_ENDED' });
    });

    it('keeps a member not invited to a protected meeting out until they pass the lobby password', async () => {
      const admin = await t.createMember({ role: 'admin', displayName: 'Ada Admin' });
      const adminCookie = await t.login(admin.email, admin.password);
      const outsider = await t.createMember({ displayName: 'Oscar Outsider' });
      const outsiderCookie = await t.login(outsider.email, outsider.password);
      const { token, password } = await quickMeeting(t, adminCookie, { passwordProtected: true });
      expect(password).toMatch(/^\d+$/);
      const url = roomUrl(base, token);

      expect(await RoomClient.refusal(url, { cookie: outsiderCookie })).toEqual({
        status: 401,
        code: 'PASSWORD_REQUIRED',
      });
      // The organizer is never asked.
      const organizerClient = await connect(token, { cookie: adminCookie });
      await organizerClient.hello();

      const passed = await guestToken(t, token, 'ignored', {
        cookie: outsiderCookie,
        password: password!,
      });
      const client = await connect(token, {
        cookie: `${outsiderCookie}; tertulia_guest=${passed}`,
      });
      const welcome = await client.hello();
      expect(welcome.participants.map((p) => [p.displayName, p.kind])).toEqual([
        ['Ada Admin', 'member'],
        ['Oscar Outsider', 'guest'],
      ]);
    });
  });

  describe('the join window closing', () => {
    it('ends connections when the join window closes: MEETING_NOT_OPEN and 4003', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      // A quick conference's window closes 24 h after its creation: be there just before.
      t.clock.advanceMs(24 * 3_600_000 - 300);
      const ana = await guest(token, 'Ana');
      const bob = await guest(token, 'Bob');
      for (const { client } of [ana, bob]) {
        expect((await client.next('error')).code).toBe('MEETING_NOT_OPEN');
        expect((await client.closed).code).toBe(CLOSE_CODES.MEETING_NOT_OPEN);
      }
    });
  });

  describe('cancelling', () => {
    it('ends the room for everyone in it when the organizer cancels the meeting', async () => {
      const { id, token } = await quickMeeting(t, organizer.cookie);
      const ana = await guest(token, 'Ana');
      const bob = await guest(token, 'Bob');
      const cancelled = await t.app.inject({
        method: 'DELETE',
        url: `/api/meetings/${id}`,
        headers: { cookie: organizer.cookie },
      });
      expect(cancelled.statusCode).toBeLessThan(300);
      for (const { client } of [ana, bob]) {
        expect((await client.next('error')).code).toBe('MEETING_NOT_OPEN');
        expect((await client.closed).code).toBe(CLOSE_CODES.MEETING_NOT_OPEN);
      }
    });
  });

  describe('negotiation relay', () => {
    it('relays offer, answer and candidates to the addressed peer only, with `from`', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const ana = await guest(token, 'Ana');
      const bob = await guest(token, 'Bob');
      const carla = await guest(token, 'Carla');
      const offer = {
        kind: 'description' as const,
        description: { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 0\r\n' },
      };
      const answer = {
        kind: 'description' as const,
        description: { type: 'answer' as const, sdp: 'v=0\r\no=- 3 4 IN IP4 0\r\n' },
      };
      const candidate = {
        kind: 'candidate' as const,
        candidate: {
          candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
          usernameFragment: 'abcd',
        },
      };

      carla.client.send({ type: 'signal', to: ana.welcome.peerId, payload: offer });
      expect(await ana.client.next('signal')).toEqual({
        type: 'signal',
        from: carla.welcome.peerId,
        payload: offer,
      });
      ana.client.send({ type: 'signal', to: carla.welcome.peerId, payload: answer });
      ana.client.send({ type: 'signal', to: carla.welcome.peerId, payload: candidate });
      ana.client.send({
        type: 'signal',
        to: carla.welcome.peerId,
        payload: { kind: 'candidate', candidate: null },
      });
      expect((await carla.client.next('signal')).payload).toEqual(answer);
      expect(await carla.client.next('signal')).toEqual({
        type: 'signal',
        from: ana.welcome.peerId,
        payload: candidate,
      });
      expect((await carla.client.next('signal')).payload).toEqual({
        kind: 'candidate',
        candidate: null,
      });

      await bob.client.roundTrip();
      expect(bob.client.frames.filter((f) => f.type === 'signal')).toEqual([]);
    });
  });

  describe('chat', () => {
    it('reaches everyone with the name and server time, and a late joiner sees it in welcome', async () => {
      const { id, token } = await quickMeeting(t, organizer.cookie);
      const ana = await guest(token, 'Ana');
      const bob = await guest(token, 'Bob');
      t.clock.advanceMs(5_000);

      ana.client.send({ type: 'chat', text: '  see https://example.org/agenda  ' });
      const heard = await Promise.all([ana.client.next('chat'), bob.client.next('chat')]);
      const message = {
        id: expect.any(String) as string,
        peerId: ana.welcome.peerId,
        displayName: 'Ana',
        text: 'see https://example.org/agenda',
        sentAt: '2030-03-01T10:00:05.000Z',
      };
      for (const frame of heard) expect(frame).toMatchObject({ type: 'chat', message });
      expect(heard[0].message.id).toBe(heard[1].message.id);

      const rows = await t.db
        .selectFrom('chat_messages')
        .select(['text', 'display_name'])
        .where('meeting_id', '=', id)
        .execute();
      expect(rows).toEqual([{ text: 'see https://example.org/agenda', display_name: 'Ana' }]);

      const late = await guest(token, 'Late Lucia');
      expect(late.welcome.chat).toEqual([heard[0].message]);
    });

    it('keeps the history in order and only for its own meeting', async () => {
      const one = await quickMeeting(t, organizer.cookie);
      const two = await quickMeeting(t, organizer.cookie);
      const ana = await guest(one.token, 'Ana');
      const zoe = await guest(two.token, 'Zoe');
      for (const text of ['first', 'second', 'third']) {
        ana.client.send({ type: 'chat', text });
        t.clock.advanceMs(1_000);
      }
      zoe.client.send({ type: 'chat', text: 'elsewhere' });
      await ana.client.next('chat', (f) => f.message.text === 'third');
      await zoe.client.next('chat');

      const late = await guest(one.token, 'Late');
      expect(late.welcome.chat.map((m) => m.text)).toEqual(['first', 'second', 'third']);
      expect(
        ana.client.frames.some((f) => f.type === 'chat' && f.message.text === 'elsewhere'),
      ).toBe(false);
    });

    it('stores what several people send at once in the order everyone saw it, and a guest joining amid it misses none', async () => {
      const { id, token } = await quickMeeting(t, organizer.cookie);
      const senders = [
        await guest(token, 'Ana'),
        await guest(token, 'Bob'),
        await guest(token, 'Carla'),
      ];
      const dan = await guest(token, 'Dan');
      const lucia = await connect(token, { bearer: await guestToken(t, token, 'Lucia') });
      const texts = (round: number) => senders.map((_, s) => `from ${s}, ${round}`);

      // One burst of socket writes: the server handles each sender's frames in turn but
      // different senders' in the same ticks, with Lucia's hello in the middle of them.
      for (let round = 0; round < 10; round += 1) {
        if (round === 5) lucia.send({ type: 'hello', media: MEDIA_ON });
        texts(round).forEach((text, s) => senders[s]?.client.send({ type: 'chat', text }));
      }
      const welcome = await lucia.next('welcome');
      await dan.client.next(
        'chat',
        () => dan.client.frames.filter((f) => f.type === 'chat').length === 30,
      );
      // Every event went out to Lucia too before Dan had the last one: her pong comes after them.
      await lucia.roundTrip();

      const heard = (client: RoomClient) =>
        client.frames.flatMap((f) => (f.type === 'chat' ? [f.message] : []));
      const order = heard(dan.client);
      for (let s = 0; s < senders.length; s += 1) {
        const own = Array.from({ length: 10 }, (_, round) => `from ${s}, ${round}`);
        expect(order.map((m) => m.text).filter((text) => text.startsWith(`from ${s},`))).toEqual(
          own,
        );
      }
      const rows = await t.db
        .selectFrom('chat_messages')
        .select('id')
        .where('meeting_id', '=', id)
        .orderBy('sent_at')
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.id)).toEqual(order.map((m) => m.id));
      // As a browser merges them: history first, then the events for messages it lacks.
      const seen = [...welcome.chat];
      for (const m of heard(lucia)) if (!seen.some((s) => s.id === m.id)) seen.push(m);
      expect(seen).toEqual(order);
    });
  });

  // Last in this file: the restart gives the app a new port.
  describe('restart', () => {
    it('keeps the chat and the places across an app restart; sockets close for a reconnect', async () => {
      const { token } = await quickMeeting(t, organizer.cookie);
      const bearer = await guestToken(t, token, 'Ana');
      const before = await connect(token, { bearer });
      await before.hello(MEDIA_ON);
      before.send({ type: 'chat', text: 'before the restart' });
      await before.next('chat');

      await t.restart();
      // The code that has browsers reconnect at once (to another node, when there is one).
      expect((await before.closed).code).toBe(CLOSE_CODES.NODE_DRAINING);
      base = await listen(t);

      // The roster was kept in DATA_DIR/rooms: the old place is taken back, numbering goes on.
      const after = await connect(token, { bearer });
      const welcome = await after.hello(MEDIA_ON, {
        peerId: before.peerId,
        resumeToken: before.resumeToken,
        lastSeq: before.lastSeq,
      });
      expect(welcome.resumed).toBe(true);
      expect(welcome.peerId).toBe(before.peerId);
      expect(welcome.seq).toBeGreaterThan(before.lastSeq);
      expect(welcome.chat.map((m) => m.text)).toEqual(['before the restart']);
      expect(welcome.participants.map((p) => p.displayName)).toEqual(['Ana']);
    });
  });
});
