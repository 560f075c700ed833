import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JoinReply, ParticipantSession } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

const START = '2030-03-01T12:00:00+00:00';
const IN_WINDOW = '2030-03-01T11:45:00.000Z';

function multipart(fields: Record<string, string>, file: Buffer) {
  const boundary = '----tertulia-lobby-test';
  const parts = Object.entries(fields).map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n`;
  return {
    payload: Buffer.concat([
      Buffer.from(parts.join('') + head),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe.each(databaseKinds)('lobby (%s)', (kind) => {
  let t: TestApp;
  let organizer: { id: string; email: string; password: string; cookie: string };
  let png: Buffer;

  beforeAll(async () => {
    t = await startTestApp(kind);
    const member = await t.createMember({ displayName: 'Olga Organizer' });
    organizer = { ...member, cookie: await t.login(member.email, member.password) };
    png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#a33' } })
      .png()
      .toBuffer();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => {
    t.clock.set('2030-03-01T10:00:00.000Z');
  });

  async function meeting(options: { password?: string; participants?: string[] } = {}) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: organizer.cookie },
      payload: {
        name: 'Lobby test',
        participants: options.participants ?? [],
        startsAt: START,
        durationMinutes: 60,
        timeZone: 'UTC',
      },
    });
    const created = response.json() as { id: string; joinUrl: string };
    if (options.password) {
      await t.db
        .updateTable('meetings')
        .set({ password: options.password })
        .where('id', '=', created.id)
        .execute();
    }
    return { id: created.id, token: created.joinUrl.split('/m/')[1]! };
  }

  const join = (token: string, payload: object, extra: { cookie?: string; ip?: string } = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/join/${token}`,
      payload,
      headers: extra.cookie ? { cookie: extra.cookie } : {},
      remoteAddress: extra.ip ?? '203.0.113.10',
    });

  describe('the join window', () => {
    it('refuses before it opens with JOIN_NOT_OPEN_YET and when it opens', async () => {
      const { token } = await meeting();
      const early = await join(token, { displayName: 'Bob' });
      expect(early.statusCode).toBe(409);
      expect(early.json()).toMatchObject({
        code: 'JOIN_NOT_OPEN_YET',
        details: { opensAt: '2030-03-01T11:30:00.000Z' },
      });
      t.clock.set('2030-03-01T11:30:00.000Z');
      expect((await join(token, { displayName: 'Bob' })).statusCode).toBe(201);
    });

    it('refuses after it closes with MEETING_ENDED', async () => {
      const { token } = await meeting();
      t.clock.set('2030-03-01T17:00:00.000Z');
      const late = await join(token, { displayName: 'Bob' });
      expect(late.statusCode).toBe(409);
      expect(late.json()).toMatchObject({ code: 'MEETING_ENDED' });
    });

    it('refuses a cancelled meeting with MEETING_CANCELLED', async () => {
      const { id, token } = await meeting();
      await t.app.inject({
        method: 'DELETE',
        url: `/api/meetings/${id}`,
        headers: { cookie: organizer.cookie },
      });
      t.clock.set(IN_WINDOW);
      const response = await join(token, { displayName: 'Bob' });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'MEETING_CANCELLED' });
    });

    it('keeps a quick conference open for 24 hours after its creation', async () => {
      const quick = await t.app.inject({
        method: 'POST',
        url: '/api/meetings/quick',
        headers: { cookie: organizer.cookie },
      });
      const token = (quick.json() as { joinUrl: string }).joinUrl.split('/m/')[1]!;
      expect((await join(token, { displayName: 'Bob' })).statusCode).toBe(201);
      t.clock.advanceMs(24 * 3_600_000);
      expect((await join(token, { displayName: 'Bob' })).json()).toMatchObject({
        code: 'MEETING_ENDED',
      });
    });

    it('says in the public facts where the window stands', async () => {
      const { token } = await meeting();
      const before = await t.app.inject({ url: `/api/join/${token}` });
      expect(before.json()).toMatchObject({ state: 'not_open_yet', passwordRequired: false });
      t.clock.set(IN_WINDOW);
      expect((await t.app.inject({ url: `/api/join/${token}` })).json()).toMatchObject({
        state: 'open',
      });
    });
  });

  describe('guest sessions', () => {
    it('gives a guest an HttpOnly cookie bound to the meeting, and /me answers with it', async () => {
      const { token } = await meeting();
      t.clock.set(IN_WINDOW);
      const response = await join(token, { displayName: '  Bob Smith  ' });
      expect(response.statusCode).toBe(201);
      const reply = response.json<JoinReply>();
      expect(reply).toMatchObject({ kind: 'guest', displayName: 'Bob Smith', avatarUrl: null });
      expect(reply.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const cookie = response.cookies.find((c) => c.name === 'tertulia_guest')!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      const me = await t.app.inject({
        url: `/api/join/${token}/me`,
        headers: { cookie: `tertulia_guest=${cookie.value}` },
      });
      expect(me.json<ParticipantSession>()).toMatchObject({
        kind: 'guest',
        displayName: 'Bob Smith',
      });
      const bearer = await t.app.inject({
        url: `/api/join/${token}/me`,
        headers: { authorization: `Bearer ${reply.token}` },
      });
      expect(bearer.statusCode).toBe(200);
    });

    it('refuses a guest token of meeting A in meeting B', async () => {
      const a = await meeting();
      const b = await meeting();
      t.clock.set(IN_WINDOW);
      const reply = (await join(a.token, { displayName: 'Bob' })).json<JoinReply>();
      const response = await t.app.inject({
        url: `/api/join/${b.token}/me`,
        headers: { cookie: `tertulia_guest=${reply.token}` },
      });
      expect(response.statusCode).toBe(401);
    });

    it('a guest session ends when the window closes', async () => {
      const { token } = await meeting();
      t.clock.set(IN_WINDOW);
      const reply = (await join(token, { displayName: 'Bob' })).json<JoinReply>();
      expect(reply.expiresAt).toBe('2030-03-01T17:00:00.000Z');
      t.clock.set('2030-03-01T17:00:00.000Z');
      const response = await t.app.inject({
        url: `/api/join/${token}/me`,
        headers: { cookie: `tertulia_guest=${reply.token}` },
      });
      expect(response.statusCode).toBe(401);
    });

    it('a logged-in member passes with their account name and no body', async () => {
      const { token } = await meeting();
      t.clock.set(IN_WINDOW);
      const response = await join(token, {}, { cookie: organizer.cookie });
      expect(response.statusCode).toBe(201);
      expect(response.json<JoinReply>()).toMatchObject({
        kind: 'member',
        displayName: 'Olga Organizer',
        token: null,
      });
    });

    it.each([
      ['<b>Bob</b> <script>alert(1)</script>', '<b>Bob</b> <script>alert(1)</script>'],
      ['\u202eevil\u202c Bob', 'evil Bob'],
      ['李小龍', '李小龍'],
      ['🎉'.repeat(64), '🎉'.repeat(64)],
      ['José Núñez', 'José Núñez'],
    ])('keeps the name %j as text: %j', async (input, stored) => {
      const { token } = await meeting();
      t.clock.set(IN_WINDOW);
      const response = await join(token, { displayName: input });
      expect(response.statusCode).toBe(201);
      expect(response.json<JoinReply>().displayName).toBe(stored);
    });

    it.each([
      ['65 characters', 'x'.repeat(65)],
      ['only spaces', '     '],
      ['empty', ''],
    ])('refuses a name of %s with VALIDATION', async (_what, name) => {
      const { token } = await meeting();
      t.clock.set(IN_WINDOW);
      const response = await join(token, { displayName: name });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION' });
    });

    it('a guest needs a name', async () => {
      const { token } = await meeting();
      t.clock.set(IN_WINDOW);
      expect((await join(token, {})).json()).toMatchObject({ code: 'VALIDATION' });
    });
  });

  describe('lobby pictures', () => {
    it('accepts an upload with the join token in X-Join-Token and shows it as the avatar', async () => {
      const { token } = await meeting();
      const body = multipart({}, png);
      const upload = await t.app.inject({
        method: 'POST',
        url: '/api/avatars',
        payload: body.payload,
        headers: { ...body.headers, 'x-join-token': token },
      });
      expect(upload.statusCode).toBe(201);
      const { id, url } = upload.json() as { id: string; url: string };
      t.clock.set(IN_WINDOW);
      const reply = (await join(token, { displayName: 'Bob', avatarId: id })).json<JoinReply>();
      expect(reply.avatarUrl).toBe(url);
      const picture = await t.app.inject({ url });
      expect(picture.headers['content-type']).toBe('image/webp');
    });

    it('accepts the join token as a form field before the file', async () => {
      const { token } = await meeting();
      const body = multipart({ joinToken: token }, png);
      const upload = await t.app.inject({
        method: 'POST',
        url: '/api/avatars',
        payload: body.payload,
        headers: body.headers,
      });
      expect(upload.statusCode).toBe(201);
    });

    it('refuses an upload without a valid join token or session', async () => {
      const body = multipart({}, png);
      const none = await t.app.inject({
        method: 'POST',
        url: '/api/avatars',
        payload: body.payload,
        headers: body.headers,
      });
      expect(none.statusCode).toBe(401);
      const wrong = await t.app.inject({
        method: 'POST',
        url: '/api/avatars',
        payload: body.payload,
        headers: { ...body.headers, 'x-join-token': 'A'.repeat(22) },
      });
      expect(wrong.statusCode).toBe(401);
    });

    it("refuses another meeting's picture as a guest's avatar", async () => {
      const a = await meeting();
      const b = await meeting();
      const body = multipart({}, png);
      const upload = await t.app.inject({
        method: 'POST',
        url: '/api/avatars',
        payload: body.payload,
        headers: { ...body.headers, 'x-join-token': a.token },
      });
      const { id } = upload.json() as { id: string };
      t.clock.set(IN_WINDOW);
      const response = await join(b.token, { displayName: 'Bob', avatarId: id });
      expect(response.statusCode).toBe(400);
    });

    it('deletes pictures nobody uses after a day, and keeps the used ones', async () => {
      const { token } = await meeting();
      const upload = async () => {
        const body = multipart({}, png);
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/avatars',
          payload: body.payload,
          headers: { ...body.headers, 'x-join-token': token },
        });
        return response.json() as { id: string; url: string };
      };
      const used = await upload();
      const unused = await upload();
      t.clock.set(IN_WINDOW);
      await join(token, { displayName: 'Bob', avatarId: used.id });
      t.clock.advanceMs(25 * 3_600_000);
      expect(await t.services.avatars.purgeUnreferenced(24 * 3_600_000)).toBeGreaterThanOrEqual(1);
      expect((await t.app.inject({ url: unused.url })).statusCode).toBe(404);
      expect((await t.app.inject({ url: used.url })).statusCode).toBe(200);
    });
  });

  describe('password-protected meetings', () => {
    it('asks for the password, refuses a wrong one, and takes the right one', async () => {
      const { token } = await meeting({ password: '12345678' });
      t.clock.set(IN_WINDOW);
      expect((await t.app.inject({ url: `/api/join/${token}` })).json()).toMatchObject({
        passwordRequired: true,
      });
      expect((await join(token, { displayName: 'Bob' })).json()).toMatchObject({
        code: 'PASSWORD_REQUIRED',
      });
      const wrong = await join(token, { displayName: 'Bob', password: '87654321' });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toMatchObject({ code: 'PASSWORD_WRONG' });
      expect((await join(token, { displayName: 'Bob', password: '12345678' })).statusCode).toBe(
        201,
      );
    });

    it('slows a guessing source down exponentially, never locks it out, and a right answer resets', async () => {
      const { token } = await meeting({ password: '12345678' });
      t.clock.set(IN_WINDOW);
      const guess = () =>
        join(token, { displayName: 'Eve', password: '00000000' }, { ip: '198.51.100.66' });
      for (let i = 0; i < 5; i += 1)
        expect((await guess()).json()).toMatchObject({ code: 'PASSWORD_WRONG' });

      // After 5 wrong answers: 100 ms, then 200 ms, then 400 ms... each answered 429 while waiting.
      for (const waitMs of [100, 200, 400, 800]) {
        const early = await guess();
        expect(early.statusCode).toBe(429);
        expect(early.headers['retry-after']).toBe('1');
        expect(early.json()).toMatchObject({
          code: 'TOO_MANY_ATTEMPTS',
          details: { retryAfterMs: waitMs },
        });
        t.clock.advanceMs(waitMs);
        expect((await guess()).json()).toMatchObject({ code: 'PASSWORD_WRONG' });
      }

      // Another source is not slowed by Eve's guesses.
      const other = await join(
        token,
        { displayName: 'Ann', password: '12345678' },
        { ip: '192.0.2.44' },
      );
      expect(other.statusCode).toBe(201);

      // Eve, after waiting, may still answer, and the right answer clears her record.
      t.clock.advanceMs(30_000);
      const right = await join(
        token,
        { displayName: 'Eve', password: '12345678' },
        { ip: '198.51.100.66' },
      );
      expect(right.statusCode).toBe(201);
      expect((await guess()).json()).toMatchObject({ code: 'PASSWORD_WRONG' });
    });

    it('caps the wait at 30 seconds', async () => {
      const { token } = await meeting({ password: '12345678' });
      t.clock.set(IN_WINDOW);
      const guess = () =>
        join(token, { displayName: 'Eve', password: '1' }, { ip: '198.51.100.77' });
      for (let i = 0; i < 20; i += 1) {
        await guess();
        t.clock.advanceMs(30_000);
      }
      await guess();
      expect((await guess()).json()).toMatchObject({ details: { retryAfterMs: 30_000 } });
    });

    it('does not ask the organizer or an invited member', async () => {
      const invitee = await t.createMember({ username: `inv${Date.now().toString(36)}` });
      const { token } = await meeting({ password: '12345678', participants: [invitee.username] });
      t.clock.set(IN_WINDOW);
      const inviteeCookie = await t.login(invitee.email, invitee.password);
      expect((await join(token, {}, { cookie: organizer.cookie })).statusCode).toBe(201);
      expect((await join(token, {}, { cookie: inviteeCookie })).statusCode).toBe(201);
      const info = await t.app.inject({
        url: `/api/join/${token}`,
        headers: { cookie: inviteeCookie },
      });
      expect(info.json()).toMatchObject({ passwordRequired: false });
    });

    it('never reveals the password in the public facts', async () => {
      const { token } = await meeting({ password: '24681357' });
      const info = await t.app.inject({ url: `/api/join/${token}` });
      expect(info.body).not.toContain('24681357');
    });
  });
});
