/**
 * One real Tertulia process for the crash tests (test/integration/crash-*.test.ts): its own
 * data folder, SQLite there or a fresh PostgreSQL database, no Redis. The tests kill it with a
 * real SIGKILL, start it again on the same data, and read the database directly to see what the
 * crash left behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { freePort, TestNode } from './cluster.js';
import { createPostgresDatabase, type DatabaseKind } from './harness.js';

const mainJs = path.resolve(import.meta.dirname, '../../dist/server/main.js');

/** Why the crash tests cannot run here, or undefined when they can. */
export function loneNodeMissing(): string | undefined {
  return fs.existsSync(mainJs) ? undefined : 'dist/server/main.js is not built (npm run build)';
}

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };

export interface LoneNode {
  node: TestNode;
  dataDir: string;
  /** Rows of a read-only query (`?` placeholders), straight from the database. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  stop(): Promise<void>;
}

export async function startLoneNode(
  kind: DatabaseKind,
  options: { env?: Record<string, string>; port?: number } = {},
): Promise<LoneNode> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-crash-'));
  const database = kind === 'postgres' ? await createPostgresDatabase() : undefined;
  const port = options.port ?? (await freePort());
  const node = await TestNode.start({
    port,
    dataDir,
    publicUrl: `http://127.0.0.1:${port}`,
    ...(database ? { databaseUrl: database.url } : {}),
    env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...options.env },
  });
  const client = database && new pg.Client({ connectionString: database.url });
  await client?.connect();
  return {
    node,
    dataDir,
    async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
      if (client) {
        let n = 0;
        return (
          await client.query(
            sql.replace(/\?/g, () => `$${(n += 1)}`),
            params,
          )
        ).rows as Row[];
      }
      // Opened for each query: the file is the one the restarted process has open.
      const sqlite = new Sqlite(path.join(dataDir, 'tertulia.db'), { readonly: true });
      try {
        return sqlite.prepare(sql).all(...params) as Row[];
      } finally {
        sqlite.close();
      }
    },
    async stop() {
      if (node.running) await node.kill('SIGKILL');
      await client?.end();
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs the admin in; answers the session cookie for later requests. */
export async function loginAdmin(url: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (response.status !== 200)
    throw new Error(`login: ${response.status} ${await response.text()}`);
  const session = response.headers.getSetCookie().find((c) => c.startsWith('tertulia_session='));
  if (!session) throw new Error('login set no session cookie');
  return session.split(';')[0] as string;
}
