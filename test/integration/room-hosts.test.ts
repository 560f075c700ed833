/**
 * Hosts in control through real WebSocket clients, on each room bus (in-process, and Redis when
 * redis-server is installed): who is a host, the waiting room (nothing of the room reaches a
 * guest before a host lets them in), and every host frame from a host, from a guest (refused,
 * nothing happens) and about someone who left.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, type ClientFrame } from '../../src/shared/signaling.js';
import type { Meeting } from '../../src/shared/api.js';
import { redisMissing, TestRedis } from '../support/cluster.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import {
  RoomClient,
  guestToken,
  listen,
  quickMeeting,
  roomUrl,
  type ConnectOptions,
} from '../support/room-client.js';

// Several nodes share Redis only over PostgreSQL (config.ts), so the Redis bus runs on it.
const redisWhy = process.env.TEST_DATABASE_URL ? redisMissing() : 'TEST_DATABASE_URL is not set';
const buses = redisWhy ? (['in-process'] as const) : (['in-process', 'redis'] as const);
if (redisWhy) console.warn(`room-hosts: the Redis bus part is skipped: ${redisWhy}`);

describe.each(buses)('hosts in control (%s bus)', (bus) => {
  let t: TestApp;
  let redis: TestRedis | undefined;
  let base: string;
  let organizer: { id: string; cookie: string; username: string };
  let clients: RoomClient[] = [];

  beforeAll(async () => {
    redis = bus === 'redis' ? await TestRedis.start() : undefined;
    t = await (redis ? startTestApp('postgres', { REDIS_URL: redis.url }) : startTestApp('sqlite'));
    const member = await t.createMember({ displayName: 'Olga Organizer' });
    organizer = {
      id: member.id,
      username: member.username,
      cookie: await t.login(member.email, member.password),
    };
    base = await listen(t);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
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

  /**
   * A quick conference with the waiting room on (or off), and a fresh login of its organizer:
   * the room limits how often one session opens its socket.
   */
  async function meeting(waitingRoom = true) {
    const member = await t.createMember({ displayName: 'Olga Organizer' });
    organizer = { ...member, cookie: await t.login(member.email, member.password) };
    return quickMeeting(t, organizer.cookie, { waitingRoom });
  }

  async function host(token: string) {
    const client = await connect(token, { cookie: organizer.cookie });
    const welcome = await client.hello();
    return { client, welcome };
  }

  async function guest(token: string, name: string) {
    const bearer = await guestToken(t, token, name);
    const client = await connect(token, { bearer });
    return { client, bearer };
  }

  /** A guest let in: in the room, with its welcome. */
  async function admittedGuest(token: string, name: string) {
    const g = await guest(token, name);
    const welcome = await g.client.hello();
    return { ...g, welcome };
  }

  async function patchMeeting(id: string, body: object): Promise<Meeting> {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/meetings/${id}`,
      headers: { cookie: organizer.cookie },
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    return response.json<Meeting>();
  }

  async function auditActions(): Promise<string[]> {
    const { entries } = await t.services.audit.list({}, { page: 1, pageSize: 200 });
    return entries.map((e) => e.action);
  }

  describe('who is a host', () => {
    it('the organizer, an admin and a named co-host are hosts; an invited member and guests are not', async () => {
      const admin = await t.createMember({ role: 'admin', displayName: 'Ada Admin' });
      const cohost = await t.createMember({ displayName: 'Cora Cohost' });
      const invited = await t.createMember({ displayName: 'Ivo Invited' });
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/meetings/quick',
        headers: { cookie: organizer.cookie },
        payload: { cohosts: [cohost.username] },
      });
      expect(created.statusCode).toBe(201);
      const { id, joinUrl, cohosts } = created.json<Meeting>();
      expect(cohosts).toEqual([cohost.username]);
      const token = joinUrl.split('/m/')[1] ?? '';
      await patchMeeting(id, { participants: [invited.username] });

      const hostOf = async (cookie: string) => (await connect(token, { cookie })).hello();
      expect((await hostOf(organizer.cookie)).host).toBe(true);
      expect((await hostOf(await t.login(admin.email, admin.password))).host).toBe(true);
      const cora = await hostOf(await t.login(cohost.email, cohost.password));
      expect(cora.host).toBe(true);
      expect(cora.participants.find((p) => p.displayName === 'Olga Organizer')?.host).toBe(true);
      expect((await hostOf(await t.login(invited.email, invited.password))).host).toBe(false);
      const g = await admittedGuest(token, 'Gus');
      expect(g.welcome.host).toBe(false);
      expect(g.welcome.participants.find((p) => p.displayName === 'Gus')?.host).toBeUndefined();
    });

    it('refuses an unknown co-host with VALIDATION', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/meetings/quick',
        headers: { cookie: organizer.cookie },
        payload: { cohosts: ['nobody-here'] },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION' });
    });
  });

  describe('waiting room', () => {
    it('holds a guest with nothing of the room until a host admits them; then welcome with no further step', async () => {
      const { token } = await meeting();
      const ana = await guest(token, 'Ana');
      ana.client.send({ type: 'hello', media: { audio: true, video: true, screen: false } });
      expect(await ana.client.next('waiting')).toEqual({ type: 'waiting', hostPresent: false });

      const olga = await host(token);
      expect(olga.welcome.waiting).toEqual([
        expect.objectContaining({ displayName: 'Ana', avatarUrl: null }),
      ]);
      // Ana learns a host arrived, and nothing else: no roster, no events, no signals.
      expect(await ana.client.next('waiting')).toEqual({ type: 'waiting', hostPresent: true });
      olga.client.send({ type: 'chat', text: 'only for those inside' });
      await olga.client.next('chat');
      await ana.client.roundTrip();
      expect(ana.client.frames.map((f) => f.type)).toEqual(['waiting', 'waiting', 'pong']);

      const waitingId = olga.welcome.waiting?.[0]?.waitingId ?? '';
      olga.client.send({ type: 'admit', waitingId });
      const welcome = await ana.client.next('welcome');
      expect(welcome.participants.map((p) => p.displayName)).toEqual(['Olga Organizer', 'Ana']);
      expect(welcome.chat.map((m) => m.text)).toEqual(['only for those inside']);
      expect(await olga.client.next('knockEnded')).toEqual({
        type: 'knockEnded',
        waitingId,
        outcome: 'admitted',
      });
      expect((await olga.client.next('joined')).participant.displayName).toBe('Ana');
      await expect.poll(auditActions).toContain('room.admit');

      // Admitted for good: the same session comes back without waiting.
      ana.client.terminate();
      const again = await connect(token, { bearer: ana.bearer });
      expect((await again.hello()).participants.length).toBeGreaterThanOrEqual(2);
    });

    it('tells hosts of each knock live; a denied guest sees who denied them and cannot knock again', async () => {
      const { token } = await meeting();
      const olga = await host(token);
      const bea = await guest(token, 'Bea');
      bea.client.send({ type: 'hello', media: { audio: true, video: false, screen: false } });
      await bea.client.next('waiting');
      const knock = await olga.client.next('knock');
      expect(knock.guest.displayName).toBe('Bea');

      olga.client.send({ type: 'deny', waitingId: knock.guest.waitingId });
      expect(await bea.client.next('moderated')).toEqual({
        type: 'moderated',
        action: 'denied',
        by: 'Olga Organizer',
      });
      expect((await bea.client.closed).code).toBe(CLOSE_CODES.ADMISSION_DENIED);
      expect((await olga.client.next('knockEnded')).outcome).toBe('denied');

      const again = await connect(token, { bearer: bea.bearer });
      again.send({ type: 'hello', media: { audio: true, video: false, screen: false } });
      expect((await again.next('error')).code).toBe('ADMISSION_DENIED');
      expect((await again.closed).code).toBe(CLOSE_CODES.ADMISSION_DENIED);
      await expect.poll(auditActions).toContain('room.deny');
    });

    it('admits everyone waiting with admitAll; a guest who stops waiting leaves the hosts list', async () => {
      const { token } = await meeting();
      const olga = await host(token);
      const names = ['Cai', 'Dan', 'Eva'];
      const waiting = await Promise.all(names.map((name) => guest(token, name)));
      for (const w of waiting) {
        w.client.send({ type: 'hello', media: { audio: false, video: false, screen: false } });
        await w.client.next('waiting');
      }
      const knocks = [];
      for (let i = 0; i < 3; i += 1) knocks.push(await olga.client.next('knock'));
      const eva = knocks.find((k) => k.guest.displayName === 'Eva');
      waiting[2]?.client.close();
      expect(await olga.client.next('knockEnded')).toMatchObject({
        waitingId: eva?.guest.waitingId,
        outcome: 'left',
      });
      // Acting on someone who stopped waiting: a clear code, nothing happens.
      olga.client.send({ type: 'admit', waitingId: eva?.guest.waitingId ?? '' });
      expect((await olga.client.next('error')).code).toBe('NOT_WAITING');

      olga.client.send({ type: 'admitAll' });
      for (const w of waiting.slice(0, 2)) await w.client.next('welcome');
    });

    it('switched on mid-meeting: the next guest waits, even with a session from before; those inside stay', async () => {
      const { id, token } = await meeting(false);
      const olga = await host(token);
      const inside = await admittedGuest(token, 'Inés');
      const early = await guest(token, 'Early'); // passed the lobby before the switch
      expect((await patchMeeting(id, { waitingRoom: true })).waitingRoom).toBe(true);

      early.client.send({ type: 'hello', media: { audio: true, video: true, screen: false } });
      expect((await early.client.next('waiting')).type).toBe('waiting');
      expect((await olga.client.next('knock')).guest.displayName).toBe('Early');
      // Inés, inside before the switch, comes back after a drop as a fresh join: no wait.
      inside.client.terminate();
      const back = await connect(token, { bearer: inside.bearer });
      expect((await back.hello()).host).toBe(false);
    });

    it('takes its default from admin Settings; off unless set', async () => {
      expect((await quickMeeting(t, organizer.cookie)).token).toBeTruthy();
      const off = await t.app.inject({
        method: 'POST',
        url: '/api/meetings/quick',
        headers: { cookie: organizer.cookie },
        payload: {},
      });
      expect(off.json<Meeting>().waitingRoom).toBe(false);
      const admin = await t.createMember({ role: 'admin' });
      const adminCookie = await t.login(admin.email, admin.password);
      const set = await t.app.inject({
        method: 'PATCH',
        url: '/api/admin/settings',
        headers: { cookie: adminCookie },
        payload: { waitingRoomDefault: true },
      });
      expect(set.statusCode).toBe(200);
      const on = await t.app.inject({
        method: 'POST',
        url: '/api/meetings/quick',
        headers: { cookie: organizer.cookie },
        payload: {},
      });
      expect(on.json<Meeting>().waitingRoom).toBe(true);
      const defaults = await t.app.inject({
        method: 'GET',
        url: '/api/meetings/defaults',
        headers: { cookie: organizer.cookie },
      });
      expect(defaults.json()).toEqual({ waitingRoom: true });
      await t.app.inject({
        method: 'PATCH',
        url: '/api/admin/settings',
        headers: { cookie: adminCookie },
        payload: { waitingRoomDefault: null },
      });
    });
  });

  describe('host frames from a guest', () => {
    it('are refused with FORBIDDEN and change nothing', async () => {
      const { token } = await meeting(false);
      const olga = await host(token);
      const gus = await admittedGuest(token, 'Gus');
      await olga.client.next('joined');
      const frames: ClientFrame[] = [
        { type: 'admit', waitingId: 'x' },
        { type: 'deny', waitingId: 'x' },
        { type: 'admitAll' },
        { type: 'mute', peerId: olga.welcome.peerId, what: 'audio' },
        { type: 'mute', peerId: olga.welcome.peerId, what: 'video' },
        { type: 'muteAll' },
        { type: 'remove', peerId: olga.welcome.peerId },
        { type: 'lock', locked: true },
        { type: 'endMeeting' },
      ];
      for (const frame of frames) {
        gus.client.send(frame);
        expect((await gus.client.next('error')).code).toBe('FORBIDDEN');
      }
      await olga.client.roundTrip();
      expect(olga.client.pending()).toEqual([]);
      // Not locked, not ended: another guest still comes in.
      await admittedGuest(token, 'Hal');
      expect(olga.client.isOpen).toBe(true);
    });
  });

  describe('host actions', () => {
    it('mute and stop camera: everyone sees it off, the person sees by whom, and may turn it on again', async () => {
      const { token } = await meeting(false);
      const olga = await host(token);
      const ana = await admittedGuest(token, 'Ana');
      await olga.client.next('joined');
      olga.client.send({ type: 'mute', peerId: ana.welcome.peerId, what: 'audio' });
      expect(await ana.client.next('moderated')).toEqual({
        type: 'moderated',
        action: 'muted',
        by: 'Olga Organizer',
      });
      for (const client of [olga.client, ana.client]) {
        expect((await client.next('updated')).participant.media.audio).toBe(false);
      }
      olga.client.send({ type: 'mute', peerId: ana.welcome.peerId, what: 'video' });
      expect((await ana.client.next('moderated')).action).toBe('videoStopped');
      expect((await olga.client.next('updated')).participant.media).toMatchObject({
        audio: false,
        video: false,
      });
      ana.client.send({ type: 'media', media: { audio: true, video: true, screen: false } });
      expect((await olga.client.next('updated')).participant.media.audio).toBe(true);
      await expect
        .poll(auditActions)
        .toEqual(expect.arrayContaining(['room.mute', 'room.stop_video']));
    });

    it('mute everyone else mutes every other microphone, not the host', async () => {
      const { token } = await meeting(false);
      const olga = await host(token);
      const ana = await admittedGuest(token, 'Ana');
      const bob = await admittedGuest(token, 'Bob');
      olga.client.send({ type: 'muteAll' });
      for (const g of [ana, bob]) expect((await g.client.next('moderated')).action).toBe('muted');
      await olga.client.roundTrip();
      expect(olga.client.frames.some((f) => f.type === 'moderated')).toBe(false);
      const carla = await admittedGuest(token, 'Carla');
      const audio = Object.fromEntries(
        carla.welcome.participants.map((p) => [p.displayName, p.media.audio]),
      );
      expect(audio).toEqual({ 'Olga Organizer': true, Ana: false, Bob: false, Carla: true });
      await expect.poll(auditActions).toContain('room.mute_all');
    });

    it('remove: the person is told and closed, others see them leave, the session cannot come back', async () => {
      const { token } = await meeting(false);
      const olga = await host(token);
      const ana = await admittedGuest(token, 'Ana');
      const bob = await admittedGuest(token, 'Bob');
      olga.client.send({ type: 'remove', peerId: ana.welcome.peerId });
      expect(await ana.client.next('moderated')).toEqual({
        type: 'moderated',
        action: 'removed',
        by: 'Olga Organizer',
      });
      expect((await ana.client.closed).code).toBe(CLOSE_CODES.REMOVED);
      expect(await bob.client.next('left', (l) => l.peerId === ana.welcome.peerId)).toMatchObject({
        reason: 'left',
      });
      // The guest session ended: the link starts again from the lobby.
      expect(await RoomClient.refusal(roomUrl(base, token), { bearer: ana.bearer })).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      await expect.poll(auditActions).toContain('room.remove');
    });

    it('acting on a participant who left answers NOT_IN_ROOM', async () => {
      const { token } = await meeting(false);
      const olga = await host(token);
      const ana = await admittedGuest(token, 'Ana');
      ana.client.send({ type: 'leave' });
      await olga.client.next('left');
      for (const frame of [
        { type: 'mute', peerId: ana.welcome.peerId, what: 'audio' },
        { type: 'mute', peerId: ana.welcome.peerId, what: 'video' },
        { type: 'remove', peerId: ana.welcome.peerId },
      ] as const) {
        olga.client.send(frame);
        expect((await olga.client.next('error')).code).toBe('NOT_IN_ROOM');
      }
    });

    it('lock refuses new participants and knocks with MEETING_LOCKED; unlock lets them in again', async () => {
      const { token } = await meeting(true);
      const olga = await host(token);
      olga.client.send({ type: 'lock', locked: true });
      expect(await olga.client.next('locked')).toMatchObject({
        locked: true,
        by: 'Olga Organizer',
      });
      const late = await guest(token, 'Late');
      late.client.send({ type: 'hello', media: { audio: true, video: true, screen: false } });
      expect((await late.client.next('error')).code).toBe('MEETING_LOCKED');
      expect((await late.client.closed).code).toBe(CLOSE_CODES.MEETING_LOCKED);
      await olga.client.roundTrip();
      expect(olga.client.pending()).toEqual([]); // no knock reached the host
      // A member comes in directly when open; when locked, not either.
      const member = await t.createMember();
      const memberCookie = await t.login(member.email, member.password);
      const m = await connect(token, { cookie: memberCookie });
      m.send({ type: 'hello', media: { audio: true, video: true, screen: false } });
      expect((await m.next('error')).code).toBe('MEETING_LOCKED');
      expect((await connect(token, { cookie: organizer.cookie }).then((c) => c.hello())).host).toBe(
        true,
      );

      olga.client.send({ type: 'lock', locked: false });
      expect((await olga.client.next('locked')).locked).toBe(false);
      const welcome = await (await connect(token, { cookie: memberCookie })).hello();
      expect(welcome.locked).toBe(false);
      await expect.poll(auditActions).toEqual(expect.arrayContaining(['room.lock', 'room.unlock']));
    });

    it('end for everyone: every page, waiting or in, is told and closed; the link answers MEETING_ENDED', async () => {
      const { token } = await meeting(true);
      const olga = await host(token);
      const waiting = await guest(token, 'Wanda');
      waiting.client.send({ type: 'hello', media: { audio: true, video: true, screen: false } });
      await waiting.client.next('waiting');
      olga.client.send({ type: 'endMeeting' });
      for (const client of [olga.client, waiting.client]) {
        expect(await client.next('moderated')).toEqual({
          type: 'moderated',
          action: 'ended',
          by: 'Olga Organizer',
        });
        expect((await client.closed).code).toBe(CLOSE_CODES.MEETING_ENDED);
      }
      expect(await RoomClient.refusal(roomUrl(base, token), { cookie: organizer.cookie })).toEqual({
        status: 409,
        code: 'MEETING_ENDED',
      });
      const info = await t.app.inject({ method: 'GET', url: `/api/join/${token}` });
      expect(info.json()).toMatchObject({ state: 'ended' });
      await expect.poll(auditActions).toContain('room.end');
    });
  });
});
