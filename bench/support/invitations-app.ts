/**
 * The app side of the invitations benchmark, run as a child process of bench/invitations.ts so
 * that the test SMTP and SMPP servers (which parse every message) and the HTTP client do not
 * share the app's event loop. It starts the real app as main.ts does: a fresh SQLite file, the
 * system clock, LOG_LEVEL silent, real SmtpTransport and SmppTransport pointed at the parent's
 * servers, and the delivery worker started. A member is created and logged in via the API.
 *
 * The parent gives the transport URLs in the environment (BENCH_SMTP_URL, BENCH_SMPP_URL) and
 * talks to this process over IPC only; it reads the outbox from the SQLite file itself.
 *
 * Two knobs exist only to find what limits throughput, and are off by default (the app as
 * shipped): BENCH_SMTP_CONNECTIONS sets SmtpTransport's `maxConnections` (default: SMTP_MAX_CONNECTIONS's, 8), and
 * BENCH_WORKER_CONCURRENCY runs a DeliveryWorker built like createServices' (same store,
 * transports, retry and poll settings) with another `concurrency` (default 16, claim batch
 * 4x that) in place of `services.worker`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import pino from 'pino';
import { systemClock } from '../../src/server/clock.js';
import { loadConfig } from '../../src/server/config.js';
import { buildApp } from '../../src/server/http/app.js';
import { SmtpTransport } from '../../src/server/invitations/transports/smtp.js';
import { SmppTransport } from '../../src/server/invitations/transports/smpp.js';
import { DeliveryWorker, type Transports } from '../../src/server/invitations/worker.js';
import { createServices, openStorage } from '../../src/server/compose.js';

export interface AppReadyMessage {
  type: 'ready';
  appUrl: string;
  /** `Cookie` header value of the organizer's session. */
  cookie: string;
  /** The SQLite file, for the parent to poll the outbox (WAL: readers do not block). */
  databaseFile: string;
}

export interface AppCpuMessage {
  type: 'cpu';
  id: number;
  usage: NodeJS.CpuUsage;
  /** performance.eventLoopUtilization(): how much of the time the event loop was busy. */
  elu: EventLoopUtilization;
}

export type AppParentMessage = { type: 'cpu'; id: number } | { type: 'stop' };

const PASSWORD = 'correct horse battery staple';

function optionalInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be an integer >= 1`);
  return value;
}

function send(message: AppReadyMessage | AppCpuMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const smtpUrl = process.env.BENCH_SMTP_URL;
  const smppUrl = process.env.BENCH_SMPP_URL;
  if (!smtpUrl || !smppUrl) throw new Error('BENCH_SMTP_URL and BENCH_SMPP_URL must be set');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-bench-invitations-'));
  // DELIVERY_RETRY_BASE_MS is left at its default, as in production.
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://tertulia.bench',
    LOG_LEVEL: 'silent',
    DEFAULT_PHONE_REGION: 'ES',
    // Not MEDIA=auto: a machine with `janus` installed would start a local Janus.
    MEDIA: 'p2p',
  });
  if (config.database.kind !== 'sqlite') throw new Error('the benchmark expects SQLite');
  const db = await openStorage(config);
  const log = pino({ level: config.logLevel });
  const smtpConnections = optionalInt('BENCH_SMTP_CONNECTIONS');
  const transports: Transports = {
    email: new SmtpTransport({
      url: smtpUrl,
      from: 'Tertulia <meetings@tertulia.bench>',
      maxConnections: smtpConnections ?? config.delivery.smtpMaxConnections,
    }),
    sms: new SmppTransport({ url: smppUrl, source: 'Tertulia' }),
  };
  const services = createServices(db, config, systemClock, transports, log);
  const concurrency = optionalInt('BENCH_WORKER_CONCURRENCY');
  let worker = services.worker;
  if (concurrency !== undefined) {
    // As createServices builds it (src/server/compose.ts), but for `concurrency`.
    const custom = new DeliveryWorker(services.outbox, transports, systemClock, log, {
      retryBaseMs: config.delivery.retryBaseMs,
      retryMaxMs: 10 * 60_000,
      pollMs: 5_000,
      concurrency,
    });
    services.invitations.onQueued(() => custom.wake());
    worker = custom;
  }
  // logger: true as in production (main.ts); LOG_LEVEL=silent keeps it quiet.
  const app = await buildApp({
    config,
    services,
    logger: true,
    webDir: path.join(dataDir, 'no-web'),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  const appUrl = `http://127.0.0.1:${address.port}`;

  await services.members.create({
    email: 'organizer@bench.example',
    username: 'organizer',
    displayName: 'Bench Organizer',
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

  worker.start();

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // As main.ts: stop taking requests, let sends under way finish, close the transports.
    await app.close();
    await worker.stop();
    await db.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.disconnect?.();
  };
  process.on('message', (message: AppParentMessage) => {
    if (message.type === 'cpu') {
      const elu = performance.eventLoopUtilization();
      send({ type: 'cpu', id: message.id, usage: process.cpuUsage(), elu });
    } else void stop();
  });
  // If the parent goes away, do not linger.
  process.on('disconnect', () => void stop());

  send({ type: 'ready', appUrl, cookie, databaseFile: config.database.file });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
