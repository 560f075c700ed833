/**
 * Browser-side hardening kept honest: every kind of answer (a page, a static asset, API JSON, an
 * API error, an uploaded picture, a refused WebSocket upgrade) carries the security headers,
 * HSTS exactly when PUBLIC_URL is https, and a state-changing call from another site's page is
 * refused with FOREIGN_ORIGIN before it changes anything.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppWithWeb, WEB_ASSET } from '../support/app-with-web.js';
import { fileUpload } from '../support/multipart.js';
import { quickMeeting } from '../support/room-client.js';

const EVIL = 'https://evil.example';

interface WebApp {
  app: FastifyInstance;
  base: string;
  cookie: string;
  close(): Promise<void>;
}

/** The app with a small web build, listening on a real port, with a member logged in. */
async function startWebApp(publicUrl: string): Promise<WebApp> {
  const started = await startAppWithWeb({ publicUrl });
  await started.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = started.app.server.address() as AddressInfo;
  const ana = await started.member();
  return {
    app: started.app,
    base: `127.0.0.1:${port}`,
    cookie: ana.cookie,
    close: () => started.close(),
  };
}

/** The headers of a refused WebSocket upgrade, read off the real HTTP answer. */
function refusedUpgrade(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => {
        socket.terminate();
        reject(new Error('the upgrade was accepted'));
      });
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      });
      socket.once('error', reject);
    },
  );
}

type Answer = { status: number; headers: IncomingHttpHeaders | Record<string, unknown> };

/** Each kind of answer the app gives, fetched from `w`. */
const KINDS: Array<[string, (w: WebApp) => Promise<Answer>]> = [
  ['the start page (HTML)', (w) => inject(w, '/')],
  ['a deep page path (HTML fallback)', (w) => inject(w, '/m/some-join-token')],
  ['a static asset', (w) => inject(w, `/${WEB_ASSET}`)],
  ['API JSON', (w) => inject(w, '/api/me', { cookie: w.cookie })],
  ['an API error (401)', (w) => inject(w, '/api/me')],
  ['an unknown API path (404)', (w) => inject(w, '/api/nothing-here')],
  ['a refused JSON body (400)', (w) => injectPost(w, '/api/session', '{"email":')],
  ['an uploaded picture', async (w) => inject(w, await uploadedAvatar(w))],
  [
    'a refused WebSocket upgrade',
    (w) => refusedUpgrade(`ws://${w.base}/api/rooms/AAAAAAAAAAAAAAAAAAAAAA/ws`, {}),
  ],
];

async function inject(w: WebApp, url: string, headers: Record<string, string> = {}) {
  const r = await w.app.inject({ method: 'GET', url, headers });
  return { status: r.statusCode, headers: r.headers };
}

async function injectPost(w: WebApp, url: string, payload: string) {
  const r = await w.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload,
  });
  return { status: r.statusCode, headers: r.headers };
}

async function uploadedAvatar(w: WebApp): Promise<string> {
  const png = await sharp({
    create: { width: 64, height: 64, channels: 3, background: '#2a6f97' },
  })
    .png()
    .toBuffer();
  const body = fileUpload(png, { filename: 'me.png', contentType: 'image/png' });
  const response = await w.app.inject({
    method: 'POST',
    url: '/api/avatars',
    headers: { ...body.headers, cookie: w.cookie },
    payload: body.payload,
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ url: string }>().url;
}

/** A quick meeting organized by `w`'s member (quickMeeting only needs the app). */
function meetingOf(w: WebApp) {
  return quickMeeting({ app: w.app } as Parameters<typeof quickMeeting>[0], w.cookie);
}

/** The CSP's directives by name, each with its source list. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name as string, sources]),
  );
}

function expectHardened(answer: Answer, https: boolean): void {
  const csp = directives(String(answer.headers['content-security-policy'] ?? ''));
  // Scripts come from this origin only: no inline script, no eval, nothing from a script URL.
  for (const name of ['script-src', 'default-src']) {
    expect(csp.get(name), name).toEqual(["'self'"]);
  }
  expect(csp.get('script-src-attr')).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'self'"]);
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers['referrer-policy']).toBe('no-referrer');
  expect(answer.headers['x-frame-options']).toBe('DENY');
  if (https) {
    expect(answer.headers['strict-transport-security']).toMatch(/^max-age=(\d{8,});/);
    expect(csp.has('upgrade-insecure-requests')).toBe(true);
  } else {
    // Over plain http, HSTS would be ignored at best and lock a misconfigured host out at worst.
    expect(answer.headers['strict-transport-security']).toBeUndefined();
  }
}

describe.each([
  ['http', 'http://tertulia.test', false],
  ['https', 'https://tertulia.test', true],
] as const)('security headers with an %s PUBLIC_URL', (_scheme, publicUrl, https) => {
  let w: WebApp;
  beforeAll(async () => {
    w = await startWebApp(publicUrl);
  });
  afterAll(async () => {
    await w.close();
  });

  it.each(KINDS)('are on %s', async (_kind, fetch) => {
    const answer = await fetch(w);
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expectHardened(answer, https);
  });

  it('the kinds are what they claim: HTML pages, a script, JSON, a WebP, a refused upgrade', async () => {
    const types = await Promise.all(
      KINDS.map(async ([, fetch]) => {
        const a = await fetch(w);
        return `${a.status} ${String(a.headers['content-type']).split(';')[0]}`;
      }),
    );
    expect(types).toEqual([
      '200 text/html',
      '200 text/html',
      '200 application/javascript',
      '200 application/json',
      '401 application/json',
      '404 application/json',
      '400 application/json',
      '200 image/webp',
      '404 application/json',
    ]);
  });
});

describe('requests from another site', () => {
  let w: WebApp;
  beforeAll(async () => {
    w = await startWebApp('http://tertulia.test');
  });
  afterAll(async () => {
    await w.close();
  });

  const own = 'http://tertulia.test';

  it.each([
    ['another site', EVIL],
    ['a sibling subdomain', 'http://evil.tertulia.test'],
    ['the same host over another scheme and port', 'http://tertulia.test:8080'],
    ['an opaque origin (sandboxed frame)', 'null'],
  ])(
    'a login POST from %s is refused with 403 FOREIGN_ORIGIN, no session given',
    async (_t, origin) => {
      const response = await w.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin },
        payload: { email: 'ana@example.org', password: 'correct horse battery staple' },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'FOREIGN_ORIGIN' });
      expect(response.cookies).toEqual([]);
    },
  );

  it('PATCH, DELETE and POST with a session from a foreign Origin change nothing', async () => {
    const meeting = await meetingOf(w);
    const me = () => w.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: w.cookie } });
    const before = (await me()).json<{ displayName: string }>().displayName;
    const attempts = [
      { method: 'PATCH', url: '/api/me', payload: { displayName: 'Pwned' } },
      { method: 'DELETE', url: `/api/meetings/${meeting.id}` },
      { method: 'POST', url: '/api/meetings/quick', payload: {} },
      { method: 'DELETE', url: '/api/session' },
    ] as const;
    for (const attempt of attempts) {
      const response = await w.app.inject({
        ...attempt,
        headers: { cookie: w.cookie, origin: EVIL },
      });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
      expect(response.json()).toMatchObject({ code: 'FOREIGN_ORIGIN' });
    }
    expect((await me()).json()).toMatchObject({ displayName: before });
    const still = await w.app.inject({
      method: 'GET',
      url: `/api/meetings/${meeting.id}`,
      headers: { cookie: w.cookie },
    });
    expect(still.json()).toMatchObject({ status: 'scheduled' });
  });

  it('the same calls from the app itself, by its public URL or its host, or without Origin, work', async () => {
    for (const origin of [own, `http://${w.base}`, undefined]) {
      const response = await w.app.inject({
        method: 'PATCH',
        url: '/api/me',
        headers: { cookie: w.cookie, host: w.base, ...(origin ? { origin } : {}) },
        payload: { displayName: 'Ana Núñez' },
      });
      expect(response.statusCode, String(origin)).toBe(200);
    }
  });

  it('reading (GET) from another site is not refused: links and pages keep working', async () => {
    const response = await w.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: w.cookie, origin: EVIL },
    });
    expect(response.statusCode).toBe(200);
  });

  it('a WebSocket upgrade from another site is refused with 403 FOREIGN_ORIGIN, hardened', async () => {
    const meeting = await meetingOf(w);
    const refused = await refusedUpgrade(`ws://${w.base}/api/rooms/${meeting.token}/ws`, {
      cookie: w.cookie,
      origin: EVIL,
    });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'FOREIGN_ORIGIN' });
    expectHardened(refused, false);
  });
});
