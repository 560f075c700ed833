import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../src/shared/api.js';
import { ERROR_CATALOG, type ErrorCode } from '../../src/shared/errors.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Probe {
  method: Method;
  url: string;
  member?: boolean;
  payload?: string | object;
  headers?: Record<string, string>;
}

/** Checks the one error shape: `{ code, message }` plus `details` only where it is documented. */
function expectErrorBody(
  response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  code: ErrorCode,
) {
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json() as ErrorBody;
  expect(body.code).toBe(code);
  expect(response.statusCode).toBe(ERROR_CATALOG[code].status);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  const keys = Object.keys(body).sort();
  expect(keys).toEqual(
    body.details === undefined ? ['code', 'message'] : ['code', 'details', 'message'],
  );
}

describe.concurrent.each(databaseKinds)('errors and common behaviour (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  async function send({ method, url, member, payload, headers = {} }: Probe) {
    let cookie: string | undefined;
    if (member) {
      const created = await t.createMember();
      cookie = await t.login(created.email, created.password);
    }
    return t.app.inject({
      method,
      url,
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
      ...(payload === undefined ? {} : { payload }),
    });
  }

  const json = { 'content-type': 'application/json' };

  it.each<[string, Probe, ErrorCode]>([
    [
      'malformed JSON',
      { method: 'POST', url: '/api/session', headers: json, payload: '{"email": "a@b.org",' },
      'BAD_JSON',
    ],
    [
      'an empty body declared as JSON',
      { method: 'POST', url: '/api/session', headers: json, payload: '' },
      'BAD_JSON',
    ],
    [
      'a JSON body over 64 KiB',
      {
        method: 'POST',
        url: '/api/session',
        headers: json,
        payload: JSON.stringify({ email: 'a@b.org', password: 'p', pad: 'x'.repeat(65 * 1024) }),
      },
      'BODY_TOO_LARGE',
    ],
    [
      'a JSON body over 64 KiB sent by a member',
      {
        method: 'POST',
        url: '/api/participants/check',
        member: true,
        headers: json,
        payload: JSON.stringify({ participants: ['a@b.org'], pad: 'x'.repeat(65 * 1024) }),
      },
      'BODY_TOO_LARGE',
    ],
    [
      'an XML body',
      {
        method: 'POST',
        url: '/api/session',
        headers: { 'content-type': 'application/xml' },
        payload: '<login><email>a@b.org</email></login>',
      },
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a form-encoded body',
      {
        method: 'POST',
        url: '/api/meetings',
        member: true,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'name=x&startsAt=2030-03-02T10%3A00%3A00Z&timeZone=UTC',
      },
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ])('answers %s with its stable code', async (_title, probe, code) => {
    expectErrorBody(await send(probe), code);
  });

  it.each<[Method, string]>([
    ['GET', '/api/nothing-here'],
    ['POST', '/api/meetings/a/b'],
    ['DELETE', '/api/members'],
    ['GET', '/api'],
    ['GET', '/api?probe=1'],
    ['GET', '/api/'],
  ])('%s %s (an unknown /api route) answers 404 NOT_FOUND as JSON', async (method, url) => {
    expectErrorBody(await t.app.inject({ method, url }), 'NOT_FOUND');
  });

  it.each<[ErrorCode, Probe]>([
    ['UNAUTHENTICATED', { method: 'GET', url: '/api/me' }],
    [
      'BAD_CREDENTIALS',
      { method: 'POST', url: '/api/session', payload: { email: 'x@y.org', password: 'p' } },
    ],
    ['VALIDATION', { method: 'POST', url: '/api/meetings', member: true, payload: { name: '' } }],
    [
      'INVALID_PARTICIPANTS',
      {
        method: 'POST',
        url: '/api/meetings',
        member: true,
        payload: {
          name: 'x',
          startsAt: '2030-03-02T10:00:00Z',
          timeZone: 'UTC',
          participants: ['hola mundo'],
        },
      },
    ],
    [
      'START_IN_PAST',
      {
        method: 'POST',
        url: '/api/meetings',
        member: true,
        payload: { name: 'x', startsAt: '2020-01-01T00:00:00Z', timeZone: 'UTC' },
      },
    ],
    [
      'BAD_TIME_ZONE',
      {
        method: 'POST',
        url: '/api/meetings/quick',
        member: true,
        payload: { timeZone: 'Nowhere/Never' },
      },
    ],
    ['ADMIN_ONLY', { method: 'GET', url: '/api/members', member: true }],
    [
      'MEETING_NOT_FOUND',
      { method: 'GET', url: '/api/meetings/00000000-0000-4000-8000-000000000000', member: true },
    ],
    ['MEETING_NOT_FOUND', { method: 'GET', url: '/api/join/AAAAAAAAAAAAAAAAAAAAAA' }],
    ['NOT_FOUND', { method: 'GET', url: '/avatars/00000000-0000-4000-8000-000000000000.webp' }],
  ])(
    'a %s error body has exactly code and message (and documented details)',
    async (code, probe) => {
      expectErrorBody(await send(probe), code);
    },
  );

  it('a VALIDATION error names the field and the problem in details.issues', async () => {
    const response = await send({
      method: 'POST',
      url: '/api/meetings',
      member: true,
      payload: { name: '   ', startsAt: '2030-03-02T10:00:00Z', timeZone: 'UTC' },
    });
    expectErrorBody(response, 'VALIDATION');
    const body = response.json<ErrorBody & { details: { issues: Array<{ field: string }> } }>();
    expect(body.details.issues.map((i) => i.field)).toEqual(['body.name']);
    expect(body.message).toMatch(/^body\.name: /);
  });

  it('GET /healthz answers 200 {status: "ok"}', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it.each([
    ['an API answer', '/api/openapi.json'],
    ['an API error', '/api/me'],
    ['the health check', '/healthz'],
    ['a page', '/m/some-token'],
  ])('%s carries the security headers', async (_title, url) => {
    const response = await t.app.inject({ method: 'GET', url });
    const csp = String(response.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-powered-by']).toBeUndefined();
    // Over plain http, HSTS would be ignored at best and lock a misconfigured host out at worst.
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe.concurrent.each(databaseKinds)('unexpected failures (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it('an unexpected failure answers 500 INTERNAL without revealing its cause', async () => {
    const member = await t.createMember();
    const cookie = await t.login(member.email, member.password);
    await t.db.schema.dropTable('meeting_participants').execute();

    const response = await t.app.inject({
      method: 'GET',
      url: '/api/meetings',
      headers: { cookie },
    });

    expectErrorBody(response, 'INTERNAL');
    expect(response.json<ErrorBody>().message).toBe(ERROR_CATALOG.INTERNAL.message);
    expect(response.body).not.toMatch(/meeting_participants|table|sql|stack/i);
  });
});
