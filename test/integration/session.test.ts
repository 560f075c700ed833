import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, Member } from '../../src/shared/api.js';
import { ERROR_CATALOG } from '../../src/shared/errors.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

const START = '2030-03-01T10:00:00.000Z';
const SESSION_TTL_MS = 14 * 24 * 3_600_000;

function sessionCookieOf(response: { cookies: Array<{ name: string }> }) {
  return response.cookies.find((c) => c.name === 'tertulia_session') as
    | {
        name: string;
        value: string;
        httpOnly?: boolean;
        sameSite?: string;
        secure?: boolean;
        path?: string;
        maxAge?: number;
        expires?: Date;
      }
    | undefined;
}

describe.concurrent.each(databaseKinds)('session API (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });
  async function loggedIn(input: Parameters<TestApp['createMember']>[0] = {}) {
    const member = await t.createMember(input);
    return { ...member, cookie: await t.login(member.email, member.password) };
  }

  const login = (email: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
  const me = (cookie?: string) =>
    t.app.inject({ method: 'GET', url: '/api/me', headers: cookie ? { cookie } : {} });
  const patchMe = (cookie: string, payload: object) =>
    t.app.inject({ method: 'PATCH', url: '/api/me', headers: { cookie }, payload });

  describe.concurrent('logging in and out', () => {
    it('POST /api/session logs in and sets an HttpOnly, SameSite=Lax, non-Secure session cookie for http', async () => {
      const member = await t.createMember({ displayName: 'Ana López' });
      const response = await login(member.email, member.password);

      expect(response.statusCode).toBe(200);
      expect(response.json<Member>()).toEqual({
        id: member.id,
        email: member.email,
        username: member.username,
        displayName: 'Ana López',
        role: 'member',
        avatarUrl: null,
        language: 'en',
        disabled: false,
      });
      const cookie = sessionCookieOf(response);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
      expect(cookie?.secure).toBeFalsy();
      expect(cookie?.maxAge).toBe(SESSION_TTL_MS / 1000);
      expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('POST /api/session gives each login its own session token', async () => {
      const member = await t.createMember();
      const first = sessionCookieOf(await login(member.email, member.password));
      const second = sessionCookieOf(await login(member.email, member.password));
      expect(first?.value).toBeDefined();
      expect(first?.value).not.toBe(second?.value);
    });

    it('POST /api/session accepts the email in another case and with spaces around it', async () => {
      const member = await t.createMember();
      const response = await login(`  ${member.email.toUpperCase()} `, member.password);
      expect(response.statusCode).toBe(200);
      expect(response.json<Member>().id).toBe(member.id);
    });

    it('POST /api/session answers a wrong password and an unknown email with the same 401 BAD_CREDENTIALS', async () => {
      const member = await t.createMember();
      const wrongPassword = await login(member.email, 'not the password at all');
      const unknownEmail = await login('nobody@example.org', member.password);

      for (const response of [wrongPassword, unknownEmail]) {
        expect(response.statusCode).toBe(401);
        expect(response.json<ErrorBody>()).toEqual({
          code: 'BAD_CREDENTIALS',
          message: ERROR_CATALOG.BAD_CREDENTIALS.message,
        });
        expect(sessionCookieOf(response)).toBeUndefined();
      }
      expect(wrongPassword.body).toBe(unknownEmail.body);
    });

    it('POST /api/session refuses a disabled member with 401 BAD_CREDENTIALS', async () => {
      const member = await t.createMember();
      await t.services.members.update('another-admin', member.id, { disabled: true });
      const response = await login(member.email, member.password);
      expect(response.statusCode).toBe(401);
      expect(response.json<ErrorBody>().code).toBe('BAD_CREDENTIALS');
      expect(sessionCookieOf(response)).toBeUndefined();
    });

    it('POST /api/session rejects an empty password with 400 VALIDATION', async () => {
      const member = await t.createMember();
      const response = await login(member.email, '');
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe('VALIDATION');
    });

    it('GET /api/me returns the logged-in member', async () => {
      const member = await loggedIn({ displayName: 'Bruno Díaz' });
      const response = await me(member.cookie);
      expect(response.statusCode).toBe(200);
      expect(response.json<Member>()).toMatchObject({
        id: member.id,
        email: member.email,
        displayName: 'Bruno Díaz',
      });
    });

    it.each([
      ['without a cookie', undefined],
      [
        'with an unknown session token',
        'tertulia_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ],
      ['with an empty session cookie', 'tertulia_session='],
    ])('GET /api/me %s answers 401 UNAUTHENTICATED', async (_title, cookie) => {
      const response = await me(cookie);
      expect(response.statusCode).toBe(401);
      expect(response.json<ErrorBody>()).toEqual({
        code: 'UNAUTHENTICATED',
        message: ERROR_CATALOG.UNAUTHENTICATED.message,
      });
    });

    it('DELETE /api/session ends the session and clears the cookie', async () => {
      const member = await loggedIn();
      expect((await me(member.cookie)).statusCode).toBe(200);

      const response = await t.app.inject({
        method: 'DELETE',
        url: '/api/session',
        headers: { cookie: member.cookie },
      });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      const cleared = sessionCookieOf(response);
      expect(cleared?.value).toBe('');
      expect(cleared?.expires?.getTime()).toBeLessThan(Date.now());

      expect((await me(member.cookie)).statusCode).toBe(401);
    });

    it('DELETE /api/session ends only that session, not the same member’s other ones', async () => {
      const member = await t.createMember();
      const laptop = await t.login(member.email, member.password);
      const phone = await t.login(member.email, member.password);
      await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: laptop } });
      expect((await me(laptop)).statusCode).toBe(401);
      expect((await me(phone)).statusCode).toBe(200);
    });

    it('DELETE /api/session without a session answers 204', async () => {
      const response = await t.app.inject({ method: 'DELETE', url: '/api/session' });
      expect(response.statusCode).toBe(204);
    });
  });

  describe.concurrent('the profile', () => {
    it('PATCH /api/me changes the display name (trimmed) and the language', async () => {
      const member = await loggedIn({ displayName: 'Old Name' });
      const response = await patchMe(member.cookie, {
        displayName: '  Carla Ruiz  ',
        language: 'es',
      });
      expect(response.statusCode).toBe(200);
      expect(response.json<Member>()).toMatchObject({
        id: member.id,
        displayName: 'Carla Ruiz',
        language: 'es',
      });
      expect((await me(member.cookie)).json<Member>()).toMatchObject({
        displayName: 'Carla Ruiz',
        language: 'es',
      });
    });

    it.each([
      ['an empty display name', { displayName: '   ' }],
      ['a display name of 65 characters', { displayName: 'x'.repeat(65) }],
      ['an unknown language', { language: 'fr' }],
      ['a role (members cannot promote themselves)', { role: 'admin' }],
      ['an email', { email: 'other@example.org' }],
    ])('PATCH /api/me rejects %s with 400 VALIDATION', async (_title, payload) => {
      const member = await loggedIn({ displayName: 'Unchanged' });
      const response = await patchMe(member.cookie, payload);
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe('VALIDATION');
      expect((await me(member.cookie)).json<Member>()).toMatchObject({
        displayName: 'Unchanged',
        role: 'member',
        email: member.email,
        language: 'en',
      });
    });

    async function storedAvatar(ownerId: string) {
      const png = await sharp({
        create: { width: 32, height: 32, channels: 3, background: '#3a7' },
      })
        .png()
        .toBuffer();
      return t.services.avatars.store(png, { ownerUserId: ownerId, meetingId: null });
    }

    it('PATCH /api/me sets and then clears an avatar the member uploaded', async () => {
      const member = await loggedIn();
      const avatar = await storedAvatar(member.id);

      const set = await patchMe(member.cookie, { avatarId: avatar.id });
      expect(set.statusCode).toBe(200);
      expect(set.json<Member>().avatarUrl).toBe(`/avatars/${avatar.id}.webp`);

      const cleared = await patchMe(member.cookie, { avatarId: null });
      expect(cleared.statusCode).toBe(200);
      expect(cleared.json<Member>().avatarUrl).toBeNull();
    });

    it.each([
      ['another member’s avatar', 'theirs'],
      ['an avatar id that does not exist', 'missing'],
    ])('PATCH /api/me refuses %s with 400 VALIDATION', async (_title, which) => {
      const member = await loggedIn();
      const other = await t.createMember();
      const avatarId =
        which === 'theirs'
          ? (await storedAvatar(other.id)).id
          : '00000000-0000-4000-8000-000000000000';

      const response = await patchMe(member.cookie, { avatarId });
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().code).toBe('VALIDATION');
      expect((await me(member.cookie)).json<Member>().avatarUrl).toBeNull();
    });

    it('PATCH /api/me without a session answers 401 UNAUTHENTICATED', async () => {
      const response = await t.app.inject({
        method: 'PATCH',
        url: '/api/me',
        payload: { displayName: 'Nobody' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json<ErrorBody>().code).toBe('UNAUTHENTICATED');
    });
  });

  describe.sequential('as time passes', () => {
    afterEach(() => {
      t.clock.set(START);
    });

    it('a session stops working once its time to live has passed', async () => {
      const member = await loggedIn();
      t.clock.advanceMs(SESSION_TTL_MS - 1_000);
      expect((await me(member.cookie)).statusCode).toBe(200);
      t.clock.advanceMs(2_000);
      const response = await me(member.cookie);
      expect(response.statusCode).toBe(401);
      expect(response.json<ErrorBody>().code).toBe('UNAUTHENTICATED');
    });
  });
});

describe.concurrent.each(databaseKinds)('session API behind an https PUBLIC_URL (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { PUBLIC_URL: 'https://x.test' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('POST /api/session sets a Secure, HttpOnly, SameSite=Lax cookie', async () => {
    const member = await t.createMember();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: member.email, password: member.password },
    });
    expect(response.statusCode).toBe(200);
    expect(sessionCookieOf(response)).toMatchObject({
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
    });
  });
});

describe.concurrent.each(databaseKinds)('login rate limit (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { LOGIN_RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    await t.close();
  });

  const attempt = (remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/session',
      remoteAddress,
      headers,
      payload: { email: 'nobody@example.org', password: 'guessing' },
    });

  it('POST /api/session answers 429 RATE_LIMITED once a client passes the per-minute limit', async () => {
    const client = '198.51.100.10';
    expect((await attempt(client)).statusCode).toBe(401);
    expect((await attempt(client)).statusCode).toBe(401);
    const limited = await attempt(client);
    expect(limited.statusCode).toBe(429);
    expect(limited.json<ErrorBody>()).toEqual({
      code: 'RATE_LIMITED',
      message: ERROR_CATALOG.RATE_LIMITED.message,
    });
  });

  it('POST /api/session rate limit cannot be dodged by a client forging X-Forwarded-For', async () => {
    const client = '198.51.100.20';
    const codes: number[] = [];
    for (const forged of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) {
      codes.push((await attempt(client, { 'x-forwarded-for': forged })).statusCode);
    }
    expect(codes).toEqual([401, 401, 429, 429]);
  });
});
