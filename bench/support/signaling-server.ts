/**
 * The server side of the signaling benchmark, run as a child process of bench/signaling.ts (with
 * `--expose-gc`) so that the simulated participants, in the parent's worker threads, never share
 * its event loop. It runs the real app as main.ts composes it (buildApp over createServices,
 * system clock, LOG_LEVEL silent) over a fresh SQLite file, or over PostgreSQL when the parent
 * passes a DATABASE_URL, and creates one member for the parent to log in as. With a Redis URL
 * (`--nodes 2`) it is one of several nodes sharing rooms through Redis, as REDIS_URL makes it.
 *
 * The parent asks over IPC for the process's memory (after full garbage collections) and CPU
 * time around each phase; `stop` closes the app and removes the data folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/server/clock.js';
import { loadConfig } from '../../src/server/config.js';
import { buildApp } from '../../src/server/http/app.js';
import { createServices, openRedis, openStorage } from '../../src/server/compose.js';

const MEMBER = { email: 'organizer@bench.example', password: 'bench passphrase 1' };

export interface ServerReady {
  type: 'ready';
  /** http://127.0.0.1:port */
  url: string;
  /** Who the parent logs in as to start the quick conferences. */
  member: { email: string; password: string };
  databaseKind: 'sqlite' | 'postgres';
  roomCap: number;
  heartbeatMs: number;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JS (Buffers and the like), outside the V8 heap. */
  external: number;
}

export type ServerRequest =
  { type: 'memory'; id: number } | { type: 'cpu'; id: number } | { type: 'stop' };

export type ServerReply =
  | ServerReady
  | { type: 'memory'; id: number; memory: MemorySample }
  | { type: 'cpu'; id: number; usage: NodeJS.CpuUsage };

function reply(message: ServerReply): void {
  process.send?.(message);
}

/** Several full collections, so what remains is what is really held. */
async function settledMemory(): Promise<MemorySample> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run this process with --expose-gc');
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-bench-signaling-'));
  const roomCap = process.env.BENCH_ROOM_CAP ?? '10';
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://tertulia.bench',
    LOG_LEVEL: 'silent',
    // The benchmark measures p2p signaling, whether or not `janus` is installed here.
    MEDIA: 'p2p',
    // The benchmark's rooms hold more people than the default p2p cap of 6.
    P2P_ROOM_CAP: roomCap,
    // Every benchmark guest joins from 127.0.0.1.
    JOIN_RATE_LIMIT_PER_MINUTE: '1000000',
    ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    // `--nodes 2`: this is one of several nodes sharing rooms through Redis.
    ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
    ...(process.env.BENCH_NODE_ID ? { NODE_ID: process.env.BENCH_NODE_ID } : {}),
  });
  const db = await openStorage(config);
  const redis = await openRedis(config);
  const services = createServices(db, config, systemClock, undefined, undefined, redis);
  // logger: true as in production (main.ts); LOG_LEVEL=silent keeps it quiet.
  const app = await buildApp({ config, services, logger: true, webDir: path.join(dataDir, 'web') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  // Several nodes share one database: the first one creates the member.
  if (process.env.BENCH_CREATE_MEMBER !== '0') {
    await services.members.create({
      email: MEMBER.email,
      username: 'organizer',
      displayName: 'Bench Organizer',
      role: 'member',
      password: MEMBER.password,
    });
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await db.destroy();
    await redis?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (process.connected) process.disconnect?.();
  };
  process.on('message', (message: ServerRequest) => {
    if (message.type === 'cpu') reply({ type: 'cpu', id: message.id, usage: process.cpuUsage() });
    else if (message.type === 'memory') {
      void settledMemory().then((memory) => reply({ type: 'memory', id: message.id, memory }));
    } else void stop();
  });
  process.on('disconnect', () => void stop());

  reply({
    type: 'ready',
    url: `http://127.0.0.1:${port}`,
    member: MEMBER,
    databaseKind: config.database.kind,
    roomCap: Number(roomCap),
    heartbeatMs: config.room.heartbeatMs,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
