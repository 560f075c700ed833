import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, Member } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let counter = 0;

describe.concurrent.each(databaseKinds)('members API (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function loggedIn(role: 'admin' | 'member') {
    const member = await t.createMember({ role });
    return { ...member, cookie: await t.login(member.email, member.password) };
  }

  /** A valid body for POST /api/members, unique within this app. */
  function newMemberBody(change: Record<string, unknown> = {}) {
    counter += 1;
    return {
      email: `new.person${counter}@example.org`,
      username: `newperson${counter}`,
      displayName: `New Person ${counter}`,
      password: 'a long enough password',
      ...change,
    };
  }

  const postMember = (cookie: string, payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/members', headers: { cookie }, payload });
  const patchMember = (cookie: string, id: string, payload: object) =>
    t.app.inject({ method: 'PATCH', url: `/api/members/${id}`, headers: { cookie }, payload });
  const me = (cookie: string) =>
    t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });

  it('GET /api/members lists every member, without password hashes, to an admin', async () => {
    const admin = await loggedIn('admin');
    const member = await t.createMember({ displayName: 'Listed Person' });

    const response = await t.app.inject({
      method: 'GET',
      url: '/api/members',
      headers: { cookie: admin.cookie },
    });

    expect(response.statusCode).toBe(200);
    const { members } = response.json<{ members: Member[] }>();
    expect(members.map((m) => m.id)).toEqual(expect.arrayContaining([admin.id, member.id]));
    expect(members.find((m) => m.id === member.id)).toEqual({
      id: member.id,
      email: member.email,
      username: member.username,
      displayName: 'Listed Person',
      role: 'member',
      avatarUrl: null,
      language: 'en',
      disabled: false,
    });
    expect(response.body).not.toMatch(/argon2|password/i);
  });

  it('POST /api/members creates a member (201) who can then log in', async () => {
    const admin = await loggedIn('admin');
    const body = newMemberBody({
      email: 'Mixed.Case@Example.ORG',
      username: 'Mixed.Case',
      displayName: '  Mixed Case  ',
    });

    const response = await postMember(admin.cookie, body);

    expect(response.statusCode).toBe(201);
    expect(response.json<Member>()).toEqual({
      id: expect.stringMatching(UUID),
      email: 'mixed.case@example.org',
      username: 'mixed.case',
      displayName: 'Mixed Case',
      role: 'member',
      avatarUrl: null,
      language: 'en',
      disabled: false,
    });
    const cookie = await t.login('mixed.case@example.org', body.password);
    expect((await me(cookie)).json<Member>().id).toBe(response.json<Member>().id);
  });

  it('POST /api/members trims spaces pasted around the email, as login does', async () => {
    const admin = await loggedIn('admin');
    const body = newMemberBody();
    const response = await postMember(admin.cookie, { ...body, email: ` ${body.email}\t` });
    expect(response.statusCode).toBe(201);
    expect(response.json<Member>().email).toBe(body.email);
  });

  it('POST /api/members creates an admin when asked', async () => {
    const admin = await loggedIn('admin');
    const response = await postMember(admin.cookie, newMemberBody({ role: 'admin' }));
    expect(response.statusCode).toBe(201);
    expect(response.json<Member>().role).toBe('admin');
  });

  it.each([
    ['an email already taken (in another case)', 'email', 'EMAIL_TAKEN'],
    ['a user name already taken (in another case)', 'username', 'USERNAME_TAKEN'],
  ])('POST /api/members refuses %s with 409 %s', async (_title, field, code) => {
    const admin = await loggedIn('admin');
    const existing = await t.createMember();
    const clash = field === 'email' ? existing.email : existing.username;

    const response = await postMember(
      admin.cookie,
      newMemberBody({ [field]: clash.toUpperCase() }),
    );

    expect(response.statusCode).toBe(409);
    expect(response.json<ErrorBody>().code).toBe(code);
  });

  it.each([
    ['a bad email', { email: 'not-an-email' }],
    ['a password of 9 characters', { password: '123456789' }],
    ['a user name starting with a digit', { username: '1abc' }],
    ['a user name with spaces', { username: 'ana lopez' }],
    ['a user name of one letter', { username: 'a' }],
    ['an empty display name', { displayName: '  ' }],
    ['an unknown role', { role: 'owner' }],
    ['an unknown field', { disabled: true }],
    ['a missing email', { email: undefined }],
  ])('POST /api/members rejects %s with 400 VALIDATION', async (_title, change) => {
    const admin = await loggedIn('admin');
    const body = newMemberBody(change);
    const response = await postMember(admin.cookie, body);
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().code).toBe('VALIDATION');
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/members',
      headers: { cookie: admin.cookie },
    });
    expect(list.json<{ members: Member[] }>().members.map((m) => m.displayName)).not.toContain(
      body.displayName,
    );
  });

  it('PATCH /api/members/:id disables a member, ending their session at once, and enables them again', async () => {
    const admin = await loggedIn('admin');
    const member = await loggedIn('member');
    expect((await me(member.cookie)).statusCode).toBe(200);

    const disabled = await patchMember(admin.cookie, member.id, { disabled: true });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json<Member>()).toMatchObject({ id: member.id, disabled: true });
    expect((await me(member.cookie)).statusCode).toBe(401);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { email: member.email, password: member.password },
    });
    expect(refused.statusCode).toBe(401);

    const enabled = await patchMember(admin.cookie, member.id, { disabled: false });
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json<Member>().disabled).toBe(false);
    expect((await me(member.cookie)).statusCode).toBe(401);
    const cookie = await t.login(member.email, member.password);
    expect((await me(cookie)).statusCode).toBe(200);
  });

  it('PATCH /api/members/:id changes the role, which takes effect on the next request', async () => {
    const admin = await loggedIn('admin');
    const member = await loggedIn('member');
    const list = () =>
      t.app.inject({ method: 'GET', url: '/api/members', headers: { cookie: member.cookie } });
    expect((await list()).statusCode).toBe(403);

    const promoted = await patchMember(admin.cookie, member.id, { role: 'admin' });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json<Member>().role).toBe('admin');
    expect((await list()).statusCode).toBe(200);

    const demoted = await patchMember(admin.cookie, member.id, { role: 'member' });
    expect(demoted.json<Member>().role).toBe('member');
    expect((await list()).statusCode).toBe(403);
  });

  it.each([
    ['disable themselves', { disabled: true }],
    ['remove their own admin role', { role: 'member' }],
  ])(
    'PATCH /api/members/:id does not let an admin %s (409 CANNOT_DISABLE_SELF)',
    async (_t, change) => {
      const admin = await loggedIn('admin');
      const response = await patchMember(admin.cookie, admin.id, change);
      expect(response.statusCode).toBe(409);
      expect(response.json<ErrorBody>().code).toBe('CANNOT_DISABLE_SELF');
      expect((await me(admin.cookie)).json<Member>()).toMatchObject({
        role: 'admin',
        disabled: false,
      });
    },
  );

  it('PATCH /api/members/:id answers 404 MEMBER_NOT_FOUND for an unknown id', async () => {
    const admin = await loggedIn('admin');
    const response = await patchMember(admin.cookie, '00000000-0000-4000-8000-000000000000', {
      disabled: true,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json<ErrorBody>().code).toBe('MEMBER_NOT_FOUND');
  });

  it.each([
    ['an unknown role', { role: 'owner' }],
    ['a field that cannot be changed here', { email: 'x@example.org' }],
    ['a disabled flag that is not a boolean', { disabled: 'yes' }],
  ])('PATCH /api/members/:id rejects %s with 400 VALIDATION', async (_title, payload) => {
    const admin = await loggedIn('admin');
    const member = await t.createMember();
    const response = await patchMember(admin.cookie, member.id, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().code).toBe('VALIDATION');
  });

  describe('as a member who is not an admin', () => {
    it.each([
      ['GET', '/api/members', undefined],
      ['POST', '/api/members', 'valid'],
      ['PATCH', '/api/members/:other', { role: 'admin' }],
      ['PATCH', '/api/members/:self', { role: 'admin' }],
    ] as const)('%s %s answers 403 ADMIN_ONLY', async (method, path, payload) => {
      const member = await loggedIn('member');
      const other = await t.createMember();
      const url = path.replace(':other', other.id).replace(':self', member.id);
      const response = await t.app.inject({
        method,
        url,
        headers: { cookie: member.cookie },
        ...(payload === 'valid' ? { payload: newMemberBody() } : payload ? { payload } : {}),
      });
      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().code).toBe('ADMIN_ONLY');
      expect((await me(member.cookie)).json<Member>().role).toBe('member');
    });

    it('POST /api/members answers 403 ADMIN_ONLY, not a validation error, to an invalid body', async () => {
      const member = await loggedIn('member');
      const response = await postMember(member.cookie, { email: 'x' });
      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().code).toBe('ADMIN_ONLY');
    });
  });

  it.each([
    ['GET', '/api/members'],
    ['POST', '/api/members'],
    ['PATCH', '/api/members/00000000-0000-4000-8000-000000000000'],
  ] as const)('%s %s answers 401 UNAUTHENTICATED without a session', async (method, url) => {
    const response = await t.app.inject({
      method,
      url,
      ...(method === 'GET'
        ? {}
        : { payload: method === 'POST' ? newMemberBody() : { role: 'admin' } }),
    });
    expect(response.statusCode).toBe(401);
    expect(response.json<ErrorBody>().code).toBe('UNAUTHENTICATED');
  });
});
