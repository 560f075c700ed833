import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, JoinInfo, Meeting } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Route = [method: Method, path: string];

/**
 * Routes anyone may call: log in, log out, the lobby (facts, passing it, who am I), liveness,
 * and a closing room page's beacon (authenticated by its resume secret, room-leaving.test.ts).
 */
const PUBLIC_ROUTES = new Set([
  'POST /api/rooms/{token}/leave',
  'POST /api/session',
  'DELETE /api/session',
  'GET /api/join/{token}',
  'POST /api/join/{token}',
  'GET /api/join/{token}/me',
  'GET /api/join/{token}/invite.ics',
  'GET /api/rsvp/{token}',
  'PUT /api/rsvp/{token}',
  'GET /api/rsvp/{token}/invite.ics',
  'GET /healthz',
]);

/** A well-formed body for each guarded route that takes one, so only the missing session is wrong. */
const VALID_BODIES: Record<string, object | 'multipart'> = {
  'PATCH /api/me': { displayName: 'Guest' },
  'POST /api/meetings': {
    name: 'Mine',
    startsAt: '2030-03-02T10:00:00Z',
    timeZone: 'Europe/Madrid',
  },
  'PATCH /api/meetings/{id}': { name: 'Taken over' },
  'POST /api/participants/check': { participants: ['ana@example.org'] },
  'POST /api/members': {
    email: 'guest@example.org',
    username: 'guest',
    displayName: 'Guest',
    password: 'a long enough password',
  },
  'PATCH /api/members/{id}': { disabled: true },
  'POST /api/avatars': 'multipart',
};

/**
 * Every route the app documents under /api except the public ones, read from the app itself so
 * that a route added later is covered without touching this file.
 */
async function guardedRoutes(): Promise<Route[]> {
  const probe = await startTestApp('sqlite');
  try {
    const response = await probe.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const { paths } = response.json<{ paths: Record<string, Record<string, unknown>> }>();
    return Object.entries(paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((m): Route => [m.toUpperCase() as Method, path]),
      )
      .filter(
        ([method, path]) => path.startsWith('/api/') && !PUBLIC_ROUTES.has(`${method} ${path}`),
      );
  } finally {
    await probe.close();
  }
}

const GUARDED = await guardedRoutes();
const WITH_BODY = GUARDED.filter(([method, path]) => `${method} ${path}` in VALID_BODIES);

const BOUNDARY = 'join-test-boundary';
const multipartBody = Buffer.from(
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n` +
    `Content-Type: image/png\r\n\r\nnot really a picture\r\n--${BOUNDARY}--\r\n`,
);
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe.concurrent.each(databaseKinds)('join API (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  /**
   * A meeting organized by a fresh member, made through the meetings service (the HTTP side of
   * creating one is meetings.test.ts's subject); returns it with its join token and organizer.
   */
  async function meetingWithToken(displayName = 'Olga Organizer') {
    const organizer = await t.createMember({ displayName });
    const organizerRow = await t.services.members.get(organizer.id);
    const meeting = await t.services.meetings.create(organizerRow, {
      name: 'Quarterly review',
      startsAt: '2030-03-02T16:00:00+01:00',
      durationMinutes: 90,
      timeZone: 'Europe/Madrid',
      participants: ['secret.guest@example.org', '+34 612 34 56 78'],
    });
    const token = new URL(meeting.joinUrl).pathname.replace(/^\/m\//, '');
    return { organizer, organizerRow, meeting, token };
  }

  const joinInfo = (token: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: `/api/join/${token}`, headers });

  it('GET /api/join/:token returns exactly the public facts of the meeting, without a cookie', async () => {
    const { token } = await meetingWithToken('Olga Organizer');

    const response = await joinInfo(token);

    expect(response.statusCode).toBe(200);
    const info = response.json<JoinInfo>();
    expect(Object.keys(info).sort()).toEqual([
      'closesAt',
      'durationMinutes',
      'kind',
      'name',
      'opensAt',
      'organization',
      'organizer',
      'passwordRequired',
      'serverTime',
      'startsAt',
      'state',
      'status',
      'timeZone',
      'viewer',
    ]);
    // The test clock stands at 2030-03-01T10:00Z, a day before the start.
    expect(info).toEqual({
      name: 'Quarterly review',
      kind: 'scheduled',
      organizer: { displayName: 'Olga Organizer' },
      startsAt: '2030-03-02T15:00:00.000Z',
      durationMinutes: 90,
      timeZone: 'Europe/Madrid',
      status: 'scheduled',
      passwordRequired: false,
      opensAt: '2030-03-02T14:30:00.000Z',
      closesAt: '2030-03-02T20:30:00.000Z',
      state: 'not_open_yet',
      serverTime: '2030-03-01T10:00:00.000Z',
      viewer: null,
      organization: { name: 'Tertulia', logoUrl: null },
    });
  });

  it('GET /api/join/:token reveals no invitee, id, email or token', async () => {
    const { token, meeting, organizer } = await meetingWithToken();
    const { body } = await joinInfo(token);
    for (const secret of [
      token,
      meeting.id,
      organizer.id,
      organizer.email,
      organizer.username,
      'secret.guest@example.org',
      '+34612345678',
    ]) {
      expect(body).not.toContain(secret);
    }
  });

  it('GET /api/join/:token describes a quick conference', async () => {
    const organizer = await t.createMember({ displayName: 'Quinn' });
    const cookie = await t.login(organizer.email, organizer.password);
    const quick = await t.app.inject({
      method: 'POST',
      url: '/api/meetings/quick',
      headers: { cookie },
    });
    const token = new URL(quick.json<Meeting>().joinUrl).pathname.replace(/^\/m\//, '');
    expect((await joinInfo(token)).json<JoinInfo>()).toMatchObject({
      kind: 'quick',
      name: 'Quick conference',
      organizer: { displayName: 'Quinn' },
      status: 'scheduled',
    });
  });

  it('GET /api/join/:token answers 404 MEETING_NOT_FOUND for a well-formed token that matches no meeting', async () => {
    const response = await joinInfo(randomBytes(16).toString('base64url'));
    expect(response.statusCode).toBe(404);
    expect(response.json<ErrorBody>().code).toBe('MEETING_NOT_FOUND');
  });

  it('GET /api/join/:token still answers 200 for a cancelled meeting, with status cancelled', async () => {
    const { token, meeting, organizerRow } = await meetingWithToken();
    await t.services.meetings.cancel(organizerRow, meeting.id);
    const response = await joinInfo(token);
    expect(response.statusCode).toBe(200);
    expect(response.json<JoinInfo>()).toMatchObject({
      name: 'Quarterly review',
      status: 'cancelled',
    });
  });

  it('GET /api/join/:token tells a logged-in member only their own name and avatar beyond what a guest sees', async () => {
    const { token } = await meetingWithToken();
    const stranger = await t.createMember({ displayName: 'Sara Stranger' });
    const cookie = await t.login(stranger.email, stranger.password);
    const asMember = (await joinInfo(token, { cookie })).json<JoinInfo>();
    const asGuest = (await joinInfo(token)).json<JoinInfo>();
    expect(asMember.viewer).toEqual({ displayName: 'Sara Stranger', avatarUrl: null });
    expect({ ...asMember, viewer: null }).toEqual(asGuest);
  });

  describe('a guest holding only a join token', () => {
    it('the guarded routes read from the OpenAPI document include every member route', () => {
      expect(GUARDED.map(([method, path]) => `${method} ${path}`)).toEqual(
        expect.arrayContaining([
          'GET /api/me',
          'GET /api/meetings',
          'POST /api/meetings/quick',
          'GET /api/meetings/{id}',
          'DELETE /api/meetings/{id}',
          'GET /api/members',
          ...Object.keys(VALID_BODIES),
        ]),
      );
    });

    type Target = Awaited<ReturnType<typeof meetingWithToken>>;

    /** Sends the route as a guest would; ids in the path point at the target's meeting or organizer. */
    function asGuest(
      [method, path]: Route,
      {
        headers = {},
        withBody = true,
        target,
      }: {
        headers?: Record<string, string>;
        withBody?: boolean;
        target?: Target;
      },
    ) {
      const url = path
        .replace(/^\/api\/meetings\/\{id\}/, `/api/meetings/${target?.meeting.id ?? UNKNOWN_ID}`)
        .replace(/^\/api\/members\/\{id\}/, `/api/members/${target?.organizer.id ?? UNKNOWN_ID}`)
        .replace(/\{[a-zA-Z]+\}/g, UNKNOWN_ID);
      const body = withBody ? VALID_BODIES[`${method} ${path}`] : undefined;
      if (body === undefined) return t.app.inject({ method, url, headers });
      if (body === 'multipart') {
        return t.app.inject({
          method,
          url,
          headers: { ...headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
          payload: multipartBody,
        });
      }
      return t.app.inject({ method, url, headers, payload: body });
    }

    it.each(GUARDED)(
      '%s %s answers 401 UNAUTHENTICATED without a cookie and changes nothing',
      async (...route) => {
        const target = await meetingWithToken();
        const response = await asGuest(route, { target });
        expect(response.statusCode).toBe(401);
        expect(response.json<ErrorBody>().code).toBe('UNAUTHENTICATED');
        expect(await t.services.meetings.get(target.organizerRow, target.meeting.id)).toEqual(
          target.meeting,
        );
        expect((await t.services.members.get(target.organizer.id)).disabled).toBe(0);
      },
    );

    it.each(GUARDED)(
      '%s %s answers 401 when the join token is sent as the session cookie',
      async (...route) => {
        const target = await meetingWithToken();
        const response = await asGuest(route, {
          target,
          headers: {
            cookie: `tertulia_session=${target.token}`,
            authorization: `Bearer ${target.token}`,
          },
        });
        expect(response.statusCode).toBe(401);
        expect(response.json<ErrorBody>().code).toBe('UNAUTHENTICATED');
      },
    );

    it.each(WITH_BODY)(
      '%s %s answers 401, not a validation error, when sent with no body',
      async (...route) => {
        const response = await asGuest(route, { withBody: false });
        expect(response.statusCode).toBe(401);
        expect(response.json<ErrorBody>().code).toBe('UNAUTHENTICATED');
      },
    );
  });
});
