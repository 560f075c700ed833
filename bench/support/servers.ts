/**
 * The server side of the API benchmark, run as a child process of bench/api.ts so the load
 * generator (autocannon) and the servers do not share one event loop. It starts:
 *
 * - the real app (buildApp over a fresh SQLite file, system clock, LOG_LEVEL silent) with a
 *   member who organizes 100 upcoming meetings of 3 participants each, logged in via the API;
 * - a bare `node:http` server answering `{"status":"ok"}`, or the bytes the parent captured
 *   from the route under test, the reference every route is compared with.
 *
 * Both listen on ephemeral loopback ports. The parent talks to this process over IPC only.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { MEETING_PAGE_DEFAULT } from '../../src/shared/api.js';
import { systemClock } from '../../src/server/clock.js';
import { loadConfig } from '../../src/server/config.js';
import { buildApp } from '../../src/server/http/app.js';
import { createServices, openStorage } from '../../src/server/compose.js';

/** What the child reports once both servers listen and the data is seeded. */
export interface ReadyMessage {
  type: 'ready';
  bareUrl: string;
  appUrl: string;
  /** `Cookie` header value of the benchmark member's session. */
  cookie: string;
  /** Participants to send in `POST /api/meetings`: an email, a phone, a member user name. */
  participants: string[];
  meetingCount: number;
  /** Meetings in the first page of the list (the API's default page size). */
  pageSize: number;
}

/** The parent asks for the child's CPU time around each run, to tell who was saturated. */
export interface CpuMessage {
  type: 'cpu';
  id: number;
  usage: NodeJS.CpuUsage;
}

/**
 * The parent sets what the bare server answers before each scenario: the hello body, or the
 * very bytes our route answered (captured by the parent), so both send the same amount.
 */
export type ParentMessage =
  | { type: 'cpu'; id: number }
  | { type: 'bare'; id: number; body: string; contentType: string }
  | { type: 'stop' };

/** The child's acknowledgement of a `bare` message: the next request gets the new body. */
export interface BareSetMessage {
  type: 'bare-set';
  id: number;
}

export const HELLO_BODY = JSON.stringify({ status: 'ok' });
const JSON_TYPE = 'application/json; charset=utf-8';

export const SEEDED_MEETINGS = 100;
const PASSWORD = 'correct horse battery staple';
const DAY_MS = 24 * 3_600_000;

function send(message: ReadyMessage | CpuMessage | BareSetMessage): void {
  process.send?.(message);
}

/** What the bare server answers; see ParentMessage. */
const bareAnswer = { body: Buffer.from(HELLO_BODY), contentType: JSON_TYPE };

/** The reference: the least a Node HTTP server can do to answer with JSON. */
function startBare(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const answer = () => {
      res.writeHead(200, {
        'content-type': bareAnswer.contentType,
        'content-length': bareAnswer.body.length,
      });
      res.end(bareAnswer.body);
    };
    if (req.method === 'GET' || req.method === 'HEAD') return answer();
    // POST bodies are read to the end, as any real handler would, before answering.
    req.on('end', answer);
    req.resume();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function urlOf(address: AddressInfo | string | null): string {
  if (!address || typeof address === 'string') throw new Error('server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://tertulia.bench',
    LOG_LEVEL: 'silent',
    DEFAULT_PHONE_REGION: 'ES',
    // Not MEDIA=auto: a machine with `janus` installed would start a local Janus.
    MEDIA: 'p2p',
    // Every benchmark guest joins from 127.0.0.1.
    JOIN_RATE_LIMIT_PER_MINUTE: '1000000',
  });
  const db = await openStorage(config);
  const services = createServices(db, config, systemClock);
  // logger: true as in production (main.ts); LOG_LEVEL=silent keeps it quiet.
  const app = await buildApp({
    config,
    services,
    logger: true,
    webDir: path.join(dataDir, 'no-web'),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const appUrl = urlOf(app.server.address());
  const bare = await startBare();
  const bareUrl = urlOf(bare.address());

  const organizer = await services.members.create({
    email: 'organizer@bench.example',
    username: 'organizer',
    displayName: 'Bench Organizer',
    role: 'member',
    password: PASSWORD,
  });
  const guest = await services.members.create({
    email: 'guest@bench.example',
    username: 'guest',
    displayName: 'Bench Guest',
    role: 'member',
    password: PASSWORD,
  });

  const login = await fetch(`${appUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'organizer@bench.example', password: PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const session = login.headers.getSetCookie().find((c) => c.startsWith('tertulia_session='));
  if (!session) throw new Error('login set no session cookie');
  const cookie = session.split(';')[0] as string;

  // 100 upcoming meetings, one a day from tomorrow, each with an email, a Spanish mobile and
  // a member among its participants.
  const organizerRow = await services.members.get(organizer.id);
  const start = Date.now() + DAY_MS;
  for (let i = 0; i < SEEDED_MEETINGS; i += 1) {
    const n = String(i).padStart(3, '0');
    await services.meetings.create(organizerRow, {
      name: `Bench meeting ${n}`,
      participants: [`invitee${n}@bench.example`, `+34 612 345 ${n}`, guest.username],
      startsAt: new Date(start + i * DAY_MS).toISOString(),
      durationMinutes: 30,
      timeZone: 'Europe/Madrid',
    });
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await new Promise((resolve) => bare.close(resolve));
    await db.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.disconnect?.();
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'cpu') send({ type: 'cpu', id: message.id, usage: process.cpuUsage() });
    else if (message.type === 'bare') {
      bareAnswer.body = Buffer.from(message.body);
      bareAnswer.contentType = message.contentType;
      send({ type: 'bare-set', id: message.id });
    } else void stop();
  });
  // If the parent goes away, do not linger.
  process.on('disconnect', () => void stop());

  send({
    type: 'ready',
    bareUrl,
    appUrl,
    cookie,
    participants: ['someone@bench.example', '+34 699 123 456', guest.username],
    meetingCount: SEEDED_MEETINGS,
    pageSize: MEETING_PAGE_DEFAULT,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
