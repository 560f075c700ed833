/**
 * Opens the database chosen by config (SQLite file by default, PostgreSQL by URL) and brings
 * its schema up to date. The rest of the server only sees `Kysely<Database>`.
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import type { Database } from './schema.js';
import * as initial from './migrations/001-initial.js';
import * as outbox from './migrations/002-outbox.js';
import * as lobby from './migrations/003-lobby.js';
import * as roomChat from './migrations/004-room-chat.js';
import * as settingsAudit from './migrations/004-settings-audit.js';
import * as pictures from './migrations/005-pictures.js';
import * as outboxClaimToken from './migrations/006-outbox-claim-token.js';
import * as reminders from './migrations/007-reminders.js';
import * as repliesAndFeeds from './migrations/008-replies-and-feeds.js';
import * as hosting from './migrations/009-hosting.js';
import * as meetingsByStart from './migrations/010-meetings-by-start.js';

export type Db = Kysely<Database>;

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

// Listed here rather than read from a folder so that compiled and tsx runs behave the same.
// Kysely runs them in name order and refuses one that sorts before a migration already run, so
// names only grow: the next one is `011-<what-it-does>` (migrations.test.ts checks this).
// Both 004s shipped together and keep their names.
const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-outbox': outbox,
  '003-lobby': lobby,
  '004-room-chat': roomChat,
  '004-settings-audit': settingsAudit,
  '005-pictures': pictures,
  '006-outbox-claim-token': outboxClaimToken,
  '007-reminders': reminders,
  '008-replies-and-feeds': repliesAndFeeds,
  '009-hosting': hosting,
  '010-meetings-by-start': meetingsByStart,
};

/** This server's migration names in the order it runs them; the last is the newest schema. */
export const migrationNames: readonly string[] = Object.keys(migrations).sort();

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** The migrator over this server's migrations, which it runs in name order. */
export function migrator(db: Db): Migrator {
  return new Migrator({ db, provider });
}

export function openDatabase(target: DatabaseTarget): Db {
  if (target.kind === 'postgres') {
    return new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({ connectionString: target.url, max: 10 }),
      }),
    });
  }
  if (target.file !== ':memory:') fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const sqlite = new SqliteDatabase(target.file);
  // WAL lets readers run beside the single writer; NORMAL sync is durable across app crashes.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  cacheStatements(sqlite);
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** Statements kept prepared; the app issues a few dozen distinct SQL texts. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query anew, which cost 80-180 µs a query (a third of a
 * meeting list request in bench/api.ts). SQL texts repeat, so prepared statements are reused,
 * least recently used evicted first. Safe because Kysely runs one query at a time per connection.
 */
function cacheStatements(sqlite: SqliteDatabase.Database): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SqliteDatabase.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
    } else {
      statement = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

export async function migrateToLatest(db: Db): Promise<void> {
  const { error, results } = await migrator(db).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration failed${failed ? ` at ${failed.migrationName}` : ''}`, {
      cause: error,
    });
  }
}
