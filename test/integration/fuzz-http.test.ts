/**
 * Fuzzing every HTTP route the app registers (listed as it builds, schemas included) with
 * random and boundary bodies, query strings, path parameters and headers, as nobody, a guest,
 * a member and an admin: no answer is ever a 5xx, every 4xx is `{code, message}` with a code
 * from the shared catalog and its status, and no answer shows a stack trace or a secret.
 *
 * Inputs come from the routes' own zod schemas (test/support/zod-arbitrary.ts), mixed with
 * broken ones. Each route is bounded in cases and time; the seed is printed so a failure can be
 * replayed: FUZZ_SEED=<seed> npx vitest run test/integration/fuzz-http.test.ts
 */
import fc from 'fast-check';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting } from '../../src/shared/api.js';
import { ERROR_CATALOG } from '../../src/shared/errors.js';
import { startAppWithWeb, WEB_ASSET, type AppWithWeb } from '../support/app-with-web.js';
import { fileUpload } from '../support/multipart.js';
import { arbitraryFor } from '../support/zod-arbitrary.js';

const SEED = Number(process.env.FUZZ_SEED) || Math.floor(Math.random() * 2 ** 31);
/** Per route; the whole file stays within its budget on two busy cores. */
const ROUTE_TIME_MS = Number(process.env.FUZZ_ROUTE_MS) || 450;
const ROUTE_MAX_RUNS = 400;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Actor = 'nobody' | 'guest' | 'member' | 'admin';

interface Route {
  method: Method;
  url: string;
  schema: { body?: unknown; querystring?: unknown; params?: unknown };
}

interface Case {
  actor: Actor;
  params: Record<string, { value: string; raw: boolean }>;
  query: string;
  headers: Record<string, string>;
  body: { payload: string | Buffer; contentType: string } | undefined;
}

/** Strings that have broken parsers before: empty, huge, control, traversal, bad escapes. */
const NASTY_SEGMENTS: Array<{ value: string; raw: boolean }> = [
  { value: '', raw: false },
  { value: ' ', raw: false },
  { value: '..', raw: false },
  { value: '../../etc/passwd', raw: false },
  { value: 'a'.repeat(300), raw: false },
  { value: '\u0000', raw: false },
  { value: '😀', raw: false },
  { value: '%', raw: true },
  { value: '%zz', raw: true },
  { value: '%E0%A4%A', raw: true },
  { value: 'x.webp', raw: false },
  { value: '00000000-0000-4000-8000-000000000000', raw: false },
];

const RAW_BODIES = [
  '',
  '{',
  'null',
  '[]',
  '"text"',
  '0',
  '{"a":',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '['.repeat(5000),
  JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
  '\uFEFF{}',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=nothing-here',
  'application/xml',
  '',
  ';;;',
];

describe('HTTP fuzzing', () => {
  const routes: Route[] = [];
  let w: AppWithWeb;
  const cookies: Record<Actor, string> = { nobody: '', guest: '', member: '', admin: '' };
  /** Values for path parameters that name real things, so deep code paths are reached. */
  const known: Record<string, string[]> = {};
  /** Never to be seen in an answer. */
  const secrets: string[] = [];

  beforeAll(async () => {
    w = await startAppWithWeb({
      env: { TURN_SECRET: 'turn-secret-of-the-fuzz-test', ICE_SERVERS: 'turn:turn.example.org' },
      onRoute: (route: RouteOptions) => {
        for (const method of [route.method].flat()) {
          if (method === 'HEAD' || method === 'OPTIONS') continue;
          routes.push({ method: method as Method, url: route.url, schema: route.schema ?? {} });
        }
      },
    });
    const admin = await w.member('admin');
    const member = await w.member('member');
    const victim = await w.member('member');
    cookies.admin = admin.cookie;
    cookies.member = member.cookie;
    secrets.push(admin.password, member.password, victim.password, 'turn-secret-of-the-fuzz-test');
    for (const cookie of [admin.cookie, member.cookie])
      secrets.push(cookie.split('=')[1] as string);

    const inject = async (method: Method, url: string, cookie: string, payload?: object) => {
      const r = await w.app.inject({ method, url, headers: { cookie }, payload });
      if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
      return r.json();
    };
    const meeting = (await inject('POST', '/api/meetings', member.cookie, {
      name: 'Fuzzed',
      // A quarter of an hour after the test clock's now: its lobby is open.
      startsAt: '2030-03-01T10:15:00.000Z',
      timeZone: 'Europe/Madrid',
      participants: ['guest@example.com', '+34612345678', victim.email.split('@')[0]],
    })) as Meeting;
    const quick = (await inject('POST', '/api/meetings/quick', admin.cookie, {
      passwordProtected: true,
    })) as Meeting;
    const tokenOf = (m: Meeting) => m.joinUrl.split('/m/')[1] as string;
    const join = (await inject('POST', `/api/join/${tokenOf(meeting)}`, '', {
      displayName: 'Guest',
    })) as { token: string };
    cookies.guest = `tertulia_guest=${join.token}`;
    const { deliveries } = (await inject(
      'GET',
      `/api/meetings/${meeting.id}/deliveries`,
      member.cookie,
    )) as { deliveries: Array<{ id: string }> };
    const upload = fileUpload(await tinyPng(), { filename: 'me.png', contentType: 'image/png' });
    const avatar = await w.app.inject({
      method: 'POST',
      url: '/api/avatars',
      headers: { ...upload.headers, cookie: member.cookie },
      payload: upload.payload,
    });
    known.id = [meeting.id, quick.id, victim.id, ...deliveries.map((d) => d.id)];
    known.deliveryId = deliveries.map((d) => d.id);
    known.token = [tokenOf(meeting), tokenOf(quick)];
    known.wildcard = ['', 'index.html', WEB_ASSET, 'assets/missing.js', 'm/some-token', 'a/b/c'];
    known.file = [`${avatar.json<{ id: string }>().id}.webp`, 'logo.png'];
    console.log(`fuzz-http: seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${routes.length} routes`);
  });

  afterAll(async () => {
    await w?.close();
  });

  it('the zod walker makes values most route schemas accept (it aims at valid input)', () => {
    const rates: string[] = [];
    for (const route of routes) {
      const schema = route.schema.body as
        { safeParse(v: unknown): { success: boolean } } | undefined;
      if (!schema) continue;
      const samples = fc.sample(arbitraryFor(schema), { numRuns: 50, seed: SEED });
      const ok = samples.filter((v) => schema.safeParse(v).success).length;
      rates.push(`${route.method} ${route.url}: ${ok}/50`);
    }
    console.log(`fuzz-http: generated bodies the schema accepts\n  ${rates.join('\n  ')}`);
    const accepted = rates.map((r) => Number(/(\d+)\/50$/.exec(r)?.[1]));
    expect(accepted.length).toBeGreaterThan(8);
    // Refinements (time zones, phone numbers) are not modelled; the bulk must still pass.
    expect(accepted.filter((n) => n >= 25).length).toBeGreaterThan(accepted.length / 2);
  });

  it('every route answers random and boundary input without a 5xx, a stray code or a leak', async () => {
    // Routes that end the caller's own session go last, so the others run logged in.
    const ordered = [...routes].sort((a, b) => endsSession(a) - endsSession(b));
    const report: string[] = [];
    let total = 0;
    for (const [index, route] of ordered.entries()) {
      const statuses = new Map<number, number>();
      let cases = 0;
      const property = fc.asyncProperty(caseFor(route), async (c) => {
        cases += 1;
        const request = requestOf(route, c);
        const response = await w.app.inject(request);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const where = `${request.method} ${request.url} as ${c.actor}`;
        expect(response.statusCode, `${where}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
        if (response.statusCode >= 400) {
          expect(String(response.headers['content-type']), where).toMatch(/^application\/json/);
          const body = response.json<{ code: string; message: string }>();
          expect(Object.keys(ERROR_CATALOG), where).toContain(body.code);
          expect(ERROR_CATALOG[body.code as keyof typeof ERROR_CATALOG].status, where).toBe(
            response.statusCode,
          );
          expect(typeof body.message).toBe('string');
        }
        const text = response.body;
        expect(text, where).not.toMatch(/\n\s+at .+:\d+:\d+|node_modules|\.ts:\d+/);
        expect(text, where).not.toMatch(/\$argon2|password_hash|token_hash/);
        for (const secret of secrets) expect(text.includes(secret), where).toBe(false);
      });
      // One case without the time limit first: fast-check fails a property interrupted before
      // its first case, which a slow route (password hashing) on a loaded machine can be.
      await fc.assert(property, { seed: SEED + index, numRuns: 1 });
      await fc.assert(property, {
        seed: SEED + index,
        numRuns: ROUTE_MAX_RUNS,
        interruptAfterTimeLimit: ROUTE_TIME_MS,
        markInterruptAsFailure: false,
      });
      total += cases;
      const seen = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
      report.push(
        `${route.method.padEnd(6)} ${route.url.padEnd(44)} ${String(cases).padStart(4)} cases  ${seen.join(' ')}`,
      );
    }
    console.log(`fuzz-http: ${total} cases, seed ${SEED}\n${report.join('\n')}`);
    expect(total).toBeGreaterThan(routes.length * 5);
  }, 120_000);

  function caseFor(route: Route): fc.Arbitrary<Case> {
    const paramNames = [...route.url.matchAll(/:(\w+)|\*$/g)].map((m) => m[1] ?? 'wildcard');
    const paramShape =
      (route.schema.params as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
    const params = Object.fromEntries(
      paramNames.map((name) => [
        name,
        fc
          .oneof(
            { arbitrary: fc.constantFrom(...(known[name] ?? ['x'])), weight: 4 },
            {
              arbitrary: (paramShape[name] ? arbitraryFor(paramShape[name]) : fc.string()).map(
                (v) => String(v),
              ),
              weight: 2,
            },
            { arbitrary: fc.constantFrom(...NASTY_SEGMENTS).map((s) => s.value), weight: 1 },
          )
          .map((value) => ({
            value,
            raw: NASTY_SEGMENTS.some((s) => s.raw && s.value === value),
          })),
      ]),
    );
    return fc.record({
      actor: fc.constantFrom<Actor>('nobody', 'guest', 'member', 'admin', 'admin'),
      params: fc.record(params),
      query: queryFor(route),
      headers: fc.oneof(
        { arbitrary: fc.constant({}), weight: 2 },
        { arbitrary: headersArbitrary, weight: 1 },
      ),
      body: ['GET', 'DELETE'].includes(route.method)
        ? fc.option(bodyFor(route), { freq: 6, nil: undefined })
        : bodyFor(route).map((b) => b as Case['body']),
    });
  }

  function requestOf(route: Route, c: Case) {
    const path = route.url.replace(/:(\w+)|\*$/g, (_m, name = 'wildcard') => {
      const p = c.params[name];
      if (!p) return 'x';
      return p.raw ? p.value : encodeURIComponent(p.value);
    });
    const cookie = [cookies[c.actor], c.headers.cookie].filter(Boolean).join('; ');
    const headers: Record<string, string> = { ...c.headers, ...(cookie ? { cookie } : {}) };
    if (c.body && !('content-type' in c.headers)) headers['content-type'] = c.body.contentType;
    return {
      method: route.method,
      url: path + c.query,
      headers,
      ...(c.body ? { payload: c.body.payload } : {}),
    };
  }
});

function endsSession(route: Route): number {
  return route.method === 'DELETE' && route.url === '/api/session' ? 1 : 0;
}

const headersArbitrary: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'content-type': fc.constantFrom(...CONTENT_TYPES),
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'image/webp', ''),
    // Mostly the app's own: a foreign one is refused before anything else runs.
    origin: fc.constantFrom(
      'http://tertulia.test',
      'http://tertulia.test',
      'https://evil.example',
      'null',
    ),
    authorization: fc.oneof(
      fc.constant('Bearer '),
      fc.string({ maxLength: 80 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, 'x')}`),
      fc.constant(`Basic ${Buffer.from('admin:admin').toString('base64')}`),
    ),
    cookie: fc.constantFrom(
      'tertulia_session=',
      'tertulia_session=forged',
      'tertulia_guest=forged',
      'tertulia_session=a; tertulia_session=b',
      `tertulia_session=${'x'.repeat(4000)}`,
    ),
    'x-join-token': fc.constantFrom('', 'forged', 'a'.repeat(200)),
    'x-forwarded-for': fc.constantFrom('203.0.113.9', 'not-an-ip', '::1'),
  },
  { requiredKeys: [] },
);

function queryFor(route: Route): fc.Arbitrary<string> {
  const schema = route.schema.querystring;
  const fromSchema = schema
    ? arbitraryFor(schema).map((q) =>
        Object.entries((q ?? {}) as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
          .join('&'),
      )
    : fc.constant('');
  const random = fc
    .dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 40 }), { maxKeys: 4 })
    .map((q) =>
      Object.entries(q)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join('&'),
    );
  const raw = fc.constantFrom(
    'a=1&a=2',
    'page=1e400',
    'limit=-0',
    '%zz=1',
    'a[b][c]=1',
    '&&=&',
    'q=' + 'x'.repeat(5000),
  );
  return fc
    .oneof(
      { arbitrary: fromSchema, weight: 4 },
      { arbitrary: random, weight: 1 },
      { arbitrary: raw, weight: 1 },
    )
    .map((q) => (q ? `?${q}` : ''));
}

function bodyFor(route: Route): fc.Arbitrary<NonNullable<Case['body']>> {
  const json = (value: unknown) => ({
    payload: JSON.stringify(value) ?? 'null',
    contentType: 'application/json',
  });
  const schema = route.schema.body;
  const shaped = schema ? arbitraryFor(schema) : fc.anything();
  const withExtra = shaped.map((v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? { ...v, unexpected: 'field' } : v,
  );
  const multipart = fc
    .tuple(
      fc.uint8Array({ maxLength: 2048 }),
      fc.constantFrom('image/png', 'text/csv', 'application/octet-stream'),
    )
    .map(([bytes, contentType]) => {
      const upload = fileUpload(Buffer.from(bytes), { filename: 'f.bin', contentType });
      return { payload: upload.payload, contentType: upload.headers['content-type'] };
    });
  return fc.oneof(
    { arbitrary: shaped.map(json), weight: 5 },
    { arbitrary: withExtra.map(json), weight: 1 },
    { arbitrary: fc.anything().map(json), weight: 1 },
    {
      arbitrary: fc.constantFrom(...RAW_BODIES).map((payload) => ({
        payload,
        contentType: 'application/json',
      })),
      weight: 1,
    },
    { arbitrary: multipart, weight: 1 },
    {
      arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => ({
        payload: Buffer.from(bytes),
        contentType: 'application/octet-stream',
      })),
      weight: 1,
    },
  );
}

async function tinyPng(): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp({ create: { width: 8, height: 8, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();
}

/** Each was a failing case of the fuzzer above; kept as plain tests so they stay fixed. */
describe('inputs the HTTP fuzzer found', () => {
  let w: AppWithWeb;
  let admin: string;
  beforeAll(async () => {
    w = await startAppWithWeb();
    admin = (await w.member('admin')).cookie;
  });
  afterAll(async () => {
    await w?.close();
  });

  function expectCatalogued(
    response: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
    code: string,
  ) {
    expect(response.json()).toMatchObject({ code });
    expect(response.statusCode).toBe(ERROR_CATALOG[code as keyof typeof ERROR_CATALOG].status);
    // Answered before routing, yet with the security headers.
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  }

  it('a broken %-escape in the path answers 400 VALIDATION, not Fastify’s FST_ERR_BAD_URL', async () => {
    const response = await w.app.inject({ method: 'PATCH', url: '/api/members/%', payload: {} });
    expectCatalogued(response, 'VALIDATION');
  });

  it('a path parameter over 100 characters answers 404 NOT_FOUND, not FST_ERR_MAX_PARAM_LENGTH', async () => {
    const response = await w.app.inject({ method: 'GET', url: `/api/join/${'a'.repeat(300)}` });
    expectCatalogued(response, 'NOT_FOUND');
  });

  it.each(['/api/avatars', '/api/members/import', '/api/admin/settings/logo'])(
    'a body that is not well-formed multipart answers %s with 400 VALIDATION, not 500',
    async (url) => {
      for (const [contentType, payload] of [
        ['multipart/form-data; boundary=nothing-here', '0'],
        ['multipart/form-data', 'x'],
        [
          'multipart/form-data; boundary=b',
          '--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',
        ],
      ]) {
        const response = await w.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': contentType as string, cookie: admin },
          payload,
        });
        expect(response.statusCode, `${contentType}: ${response.body}`).toBe(400);
        expect(response.json()).toMatchObject({ code: 'VALIDATION' });
      }
    },
  );

  it('a plain GET of the room socket address answers 404 NOT_FOUND as JSON, not an empty 404', async () => {
    const meeting = await w.app.inject({
      method: 'POST',
      url: '/api/meetings/quick',
      headers: { cookie: admin },
      payload: {},
    });
    const token = meeting.json<Meeting>().joinUrl.split('/m/')[1] as string;
    const response = await w.app.inject({
      method: 'GET',
      url: `/api/rooms/${token}/ws`,
      headers: { cookie: admin },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
