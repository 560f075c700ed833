/**
 * Secrets stay secret: a real server process (`node dist/server/main.js`) at LOG_LEVEL=debug,
 * every line it prints captured, goes through a full scenario: the first admin logs in, makes a
 * member, a password-protected meeting with an email and an SMS invitee (kept in the outbox), a
 * guest joins with the password, the room's WebSocket says hello and resumes, TURN credentials
 * come in the welcome, media goes through Janus (when installed) with an API secret. No password,
 * token, credential or configured secret may appear anywhere in what the process printed.
 * PostgreSQL and a password-protected Redis are used when TEST_DATABASE_URL is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting } from '../../src/shared/api.js';
import { MEDIA_PEER_ID } from '../../src/shared/signaling.js';
import { exitOf, freePort, waitFor } from '../support/cluster.js';
import { createPostgresDatabase } from '../support/harness.js';
import { audioOffer } from '../support/janus-offer.js';
import {
  JANUS_MISSING,
  janusBinary,
  startLocalJanus,
  type StartedJanus,
} from '../support/local-janus.js';
import { RoomClient, roomUrl } from '../support/room-client.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const mainJs = path.join(repoRoot, 'dist/server/main.js');
const NOT_BUILT = fs.existsSync(mainJs)
  ? undefined
  : 'dist/server/main.js is not built (npm run build:server)';
if (NOT_BUILT) console.warn(`secrets-in-logs skipped: ${NOT_BUILT}`);

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

/** A secret and where it came from, for the failure message. */
type Known = Map<string, string>;

/** A private redis-server that wants a password (the shared one on 6379 does not). */
async function passwordRedis(password: string) {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'].concat([
      '--requirepass',
      password,
    ]),
    { stdio: 'ignore' },
  );
  const net = await import('node:net');
  await waitFor(
    'redis-server',
    () =>
      new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      }),
    10_000,
  );
  return {
    url: `redis://:${password}@127.0.0.1:${port}/0`,
    async stop() {
      child.kill('SIGKILL');
      await exitOf(child);
    },
  };
}

describe.skipIf(NOT_BUILT)('secrets in the logs', () => {
  const known: Known = new Map();
  const stops: Array<() => Promise<void>> = [];
  let output = '';
  let server: ChildProcess;
  let base: string;
  let janus: StartedJanus | undefined;

  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-secrets-'));
    stops.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = {};
    if (process.env.TEST_DATABASE_URL) {
      const pg = await createPostgresDatabase();
      stops.push(pg.drop);
      // Trust authentication ignores the password, so one can be written in the URL.
      const dbPassword = secret('dbpass');
      known.set(dbPassword, 'the password in DATABASE_URL');
      const url = new URL(pg.url);
      url.password = dbPassword;
      env.DATABASE_URL = url.toString();
      const redisPassword = secret('redispass');
      known.set(redisPassword, 'the password in REDIS_URL');
      const redis = await passwordRedis(redisPassword);
      stops.push(redis.stop);
      env.REDIS_URL = redis.url;
    } else {
      console.warn(
        'secrets-in-logs: SQLite only (TEST_DATABASE_URL unset: no PostgreSQL, no Redis)',
      );
    }
    if (janusBinary()) {
      janus = await startLocalJanus(fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-janus-')));
      stops.push(() => janus?.stop() ?? Promise.resolve());
      known.set(janus.apiSecret, 'JANUS_API_SECRET');
      Object.assign(env, janus.env);
    } else {
      console.warn(`secrets-in-logs: the Janus part is skipped: ${JANUS_MISSING}`);
      env.MEDIA = 'p2p';
    }
    const settings = {
      ADMIN_PASSWORD: secret('adminpass'),
      TURN_SECRET: secret('turnsecret'),
      METRICS_TOKEN: secret('metricstoken'),
    };
    for (const [name, value] of Object.entries(settings)) known.set(value, name);
    const port = await freePort();
    base = `127.0.0.1:${port}`;
    server = spawn(process.execPath, [mainJs], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: `http://${base}`,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'debug',
        ADMIN_EMAIL: 'admin@example.org',
        ICE_SERVERS: 'stun:stun.example.org:3478,turn:turn.example.org:3478?transport=udp',
        ...settings,
        ...env,
      },
    });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stops.unshift(async () => {
      server.kill('SIGKILL');
      await exitOf(server);
    });
    await waitFor(
      'the server',
      async () => {
        if (server.exitCode !== null) throw new Error(`exited:\n${output}`);
        return (await fetch(`http://${base}/healthz`)).ok;
      },
      60_000,
    );
  }, 90_000);

  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  /** A JSON call; remembers every cookie value the server sets as a secret. */
  async function call(
    method: string,
    url: string,
    { cookie, body, origin }: { cookie?: string; body?: unknown; origin?: boolean } = {},
  ) {
    const response = await fetch(`http://${base}${url}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(origin ? { origin: `http://${base}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
    for (const c of cookies) {
      const value = c.split('=')[1];
      if (value) known.set(value, `a cookie set by ${method} ${url}`);
    }
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null, cookies };
  }

  it('a full scenario at LOG_LEVEL=debug prints none of its secrets', async () => {
    // The first admin, from ADMIN_EMAIL and ADMIN_PASSWORD, logs in.
    const adminPassword = [...known].find(([, w]) => w === 'ADMIN_PASSWORD')?.[0] as string;
    const adminLogin = await call('POST', '/api/session', {
      body: { email: 'admin@example.org', password: adminPassword },
      origin: true,
    });
    expect(adminLogin.status).toBe(200);
    const admin = adminLogin.cookies.join('; ');

    // A wrong password is a secret too (often a near miss of the right one).
    const typo = secret('typo');
    known.set(typo, 'a wrong login password');
    expect(
      (await call('POST', '/api/session', { body: { email: 'admin@example.org', password: typo } }))
        .status,
    ).toBe(401);

    // A member, created with a password, then given a new one by a reset.
    const memberPassword = secret('memberpass');
    known.set(memberPassword, "the member's first password");
    const created = await call('POST', '/api/members', {
      cookie: admin,
      body: {
        email: 'ana@example.org',
        username: 'ana',
        displayName: 'Ana',
        password: memberPassword,
      },
    });
    expect(created.status).toBe(201);
    const memberId = (created.json as { id: string }).id;
    const reset = await call('POST', `/api/members/${memberId}/reset-password`, { cookie: admin });
    expect(reset.status).toBe(200);
    const resetPassword = (reset.json as { password: string }).password;
    known.set(resetPassword, "the member's reset password");
    const memberLogin = await call('POST', '/api/session', {
      body: { email: 'ana@example.org', password: resetPassword },
    });
    expect(memberLogin.status).toBe(200);
    const member = memberLogin.cookies.join('; ');

    // A password-protected meeting with an email and an SMS invitee, kept in the outbox.
    const startsAt = new Date(Date.now() + 10 * 60_000).toISOString();
    const made = await call('POST', '/api/meetings', {
      cookie: admin,
      body: {
        name: 'Budget',
        startsAt,
        timeZone: 'Europe/Madrid',
        participants: ['guest@example.com', '+34612345678', 'ana'],
        passwordProtected: true,
      },
    });
    expect(made.status).toBe(201);
    const meeting = made.json as Meeting;
    const joinToken = meeting.joinUrl.split('/m/')[1] as string;
    known.set(joinToken, 'the join token');
    known.set(meeting.password as string, 'the meeting password');
    const outbox = await call('GET', '/api/outbox', { cookie: admin });
    expect((outbox.json as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(2);

    // A guest: the lobby, a wrong password, the right one.
    expect((await call('GET', `/api/join/${joinToken}`)).status).toBe(200);
    const wrong = await call('POST', `/api/join/${joinToken}`, {
      body: { displayName: 'Invitada', password: '000000' },
    });
    expect(wrong.status).toBe(401);
    const joined = await call('POST', `/api/join/${joinToken}`, {
      body: { displayName: 'Invitada', password: meeting.password },
      origin: true,
    });
    expect(joined.status).toBe(201);
    const guestToken = (joined.json as { token: string }).token;
    known.set(guestToken, 'the guest token');
    expect(
      (await call('GET', `/api/join/${joinToken}/me`, { cookie: `tertulia_guest=${guestToken}` }))
        .status,
    ).toBe(200);

    // The room: hello, TURN credentials, a dropped socket resumed, chat with the member.
    const url = roomUrl(`ws://${base}`, joinToken);
    const guest = await RoomClient.connect(url, { bearer: guestToken });
    const welcome = await guest.hello();
    known.set(welcome.resumeToken, 'the resume token');
    const turn = welcome.media.iceServers.find((s) => JSON.stringify(s.urls).includes('turn:'));
    expect(turn?.credential).toBeTruthy();
    known.set(turn?.credential as string, 'the TURN credential');
    guest.terminate();
    const back = await RoomClient.connect(url, { bearer: guestToken });
    const resumed = await back.hello(undefined, {
      peerId: welcome.peerId,
      resumeToken: welcome.resumeToken,
      lastSeq: welcome.seq,
    });
    expect(resumed.resumed).toBe(true);
    known.set(resumed.resumeToken, 'the resume token after resuming');
    const ana = await RoomClient.connect(url, { cookie: member, origin: `http://${base}` });
    known.set((await ana.hello()).resumeToken, "the member's resume token");
    ana.send({ type: 'chat', text: 'hola' });
    await back.next('chat');
    if (janus) {
      back.send({
        type: 'signal',
        to: MEDIA_PEER_ID,
        payload: {
          kind: 'description',
          connection: 'publish',
          description: { type: 'offer', sdp: audioOffer() },
        },
      });
      expect((await back.next('signal', undefined, 10_000)).from).toBe(MEDIA_PEER_ID);
      // A request Janus refuses is logged as a warning, with Janus's error.
      back.send({
        type: 'signal',
        to: MEDIA_PEER_ID,
        payload: {
          kind: 'description',
          connection: 'publish',
          description: { type: 'offer', sdp: 'v=0\r\n' },
        },
      });
      expect((await back.next('error', undefined, 10_000)).code).toBe('MEDIA_ERROR');
    }
    // The closing page's beacon carries the resume secret in its body.
    const beacon = await call('POST', `/api/rooms/${joinToken}/leave`, {
      body: { peerId: back.peerId, resumeToken: back.resumeToken },
    });
    expect(beacon.status).toBe(204);
    ana.close();
    expect((await call('DELETE', '/api/session', { cookie: member })).status).toBe(204);

    // A clean stop, so every line is flushed.
    server.kill('SIGTERM');
    await exitOf(server);

    const lines = output.split('\n').filter(Boolean);
    console.log(`secrets-in-logs: ${lines.length} lines captured, ${known.size} secrets checked`);
    // The capture works: debug request lines are there, or this test could not fail.
    expect(output).toContain('incoming request');
    expect(output).toContain('/api/session');
    const leaks = [...known]
      .filter(([value]) => value.length >= 6 && output.includes(value))
      .map(([value, what]) => {
        const line = lines.find((l) => l.includes(value)) ?? '';
        return `${what}: ${line.slice(0, 300)}`;
      });
    expect(leaks).toEqual([]);
  }, 90_000);
});
