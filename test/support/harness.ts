/**
 * Starts the real app over a fresh database for one test file: SQLite in a temporary folder
 * always, PostgreSQL (a new database on the TEST_DATABASE_URL server) when that is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/server/config.js';
import type { Clock } from '../../src/server/clock.js';
import { buildApp } from '../../src/server/http/app.js';
import { createServices, openStorage, type Services } from '../../src/server/compose.js';
import type { Transports } from '../../src/server/invitations/worker.js';
import type { Db } from '../../src/server/storage/database.js';
import type { Role } from '../../src/shared/api.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** The databases every storage/API test runs against in this environment. */
export const databaseKinds: DatabaseKind[] = process.env.TEST_DATABASE_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private current = new Date('2030-03-01T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  set(iso: string): void {
    this.current = new Date(iso);
  }
  advanceMs(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  db: Db;
  config: Config;
  clock: TestClock;
  /** Creates a member directly through the service; returns it with its password. */
  createMember(
    input?: Partial<{ email: string; username: string; displayName: string; role: Role }>,
  ): Promise<{
    id: string;
    email: string;
    username: string;
    password: string;
  }>;
  /** Logs in through the API and returns the Cookie header value to send. */
  login(email: string, password: string): Promise<string>;
  /**
   * Stops the app as a process stop would, runs `whileStopped` (e.g. a restore), then starts it
   * again over the same data folder.
   */
  restart(whileStopped?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export async function startTestApp(
  kind: DatabaseKind = 'sqlite',
  env: Record<string, string> = {},
  /** Called at start and at every restart: transports are closed with the app. */
  makeTransports: () => Transports = () => ({ email: undefined, sms: undefined }),
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-test-'));
  const { url: databaseUrl, drop } =
    kind === 'postgres' ? await createPostgresDatabase() : { url: undefined, drop: async () => {} };
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://tertulia.test',
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    // Every test guest joins from one address (join-rate-limit.test.ts lowers it).
    JOIN_RATE_LIMIT_PER_MINUTE: '100000',
    // Not MEDIA=auto: a machine with `janus` installed would run the tests on a local Janus.
    MEDIA: 'p2p',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  const clock = new TestClock();

  async function open() {
    const db = await openStorage(config);
    const services = createServices(db, config, clock, makeTransports());
    const app = await buildApp({
      config,
      services,
      logger: false,
      webDir: path.join(dataDir, 'no-web'),
    });
    await app.ready();
    return { db, services, app };
  }

  async function shut(parts: Awaited<ReturnType<typeof open>>) {
    await parts.services.worker.stop();
    await parts.app.close();
    await parts.db.destroy();
  }

  let current = await open();

  return {
    get app() {
      return current.app;
    },
    get services() {
      return current.services;
    },
    get db() {
      return current.db;
    },
    config,
    clock,
    async createMember(input = {}) {
      counter += 1;
      const username = input.username ?? `member${counter}${randomBytes(2).toString('hex')}`;
      const email = input.email ?? `${username}@example.org`;
      const password = 'correct horse battery staple';
      const member = await current.services.members.create({
        email,
        username,
        displayName: input.displayName ?? `Member ${counter}`,
        role: input.role ?? 'member',
        password,
      });
      return { id: member.id, email, username, password };
    },
    async login(email, password) {
      const response = await current.app.inject({
        method: 'POST',
        url: '/api/session',
        payload: { email, password },
      });
      if (response.statusCode !== 200)
        throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'tertulia_session');
      if (!cookie) throw new Error('login set no session cookie');
      return `tertulia_session=${cookie.value}`;
    },
    async restart(whileStopped) {
      await shut(current);
      await whileStopped?.();
      current = await open();
    },
    async close() {
      await shut(current);
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on the PostgreSQL server at `adminUrl` (TEST_DATABASE_URL by default). */
export async function createPostgresDatabase(
  adminUrl = process.env.TEST_DATABASE_URL as string,
): Promise<{
  url: string;
  drop: () => Promise<void>;
}> {
  const name = `tertulia_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      // pg's pool.end() resolves before its sockets have closed; dropping WITH (FORCE) at that
      // moment made PostgreSQL kill them, an uncaught error in the test process. Wait for them.
      for (let i = 0; i < 100; i += 1) {
        const { rows } = await client.query<{ n: string }>(
          'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
          [name],
        );
        if (rows[0]?.n === '0') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
