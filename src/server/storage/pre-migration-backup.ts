/**
 * Before `npm start` migrates a SQLite database, a copy of it as it was: an upgrade that goes
 * wrong can be undone by putting the copy back (docs/operations.md). PostgreSQL is left to
 * pg_dump, and a database with nothing applied yet has nothing worth keeping.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { migrator, type DatabaseTarget, type Db } from './database.js';

/** Pre-migration copies kept in the backups folder; older ones are deleted. */
export const KEPT_PRE_MIGRATION_COPIES = 5;

/** The most pages better-sqlite3 lets one backup step copy. */
const ALL_PAGES = 0x7fffffff;

const COPY_NAME = /^.+-before-.+\.db$/;

/**
 * Copies the database to `<backupsDir>/<time>-before-<first pending migration>.db` when there
 * are pending migrations over an existing schema, keeps the newest five such copies, and answers
 * the copy's path (undefined when none was made).
 */
export async function backupBeforeMigrating(
  db: Db,
  target: DatabaseTarget,
  backupsDir: string,
  now: Date,
): Promise<string | undefined> {
  if (target.kind !== 'sqlite' || target.file === ':memory:') return undefined;
  const all = await migrator(db).getMigrations();
  const pending = all.filter((m) => m.executedAt === undefined);
  const first = pending[0];
  if (!first || pending.length === all.length) return undefined;

  await fs.mkdir(backupsDir, { recursive: true });
  // Colons are not allowed in Windows file names nor liked by every tool; the ISO time keeps
  // its order, so the names sort by age.
  const stamp = now.toISOString().replaceAll(':', '-');
  const copy = path.join(backupsDir, `${stamp}-before-${first.name}.db`);
  await onlineCopy(target.file, copy);
  await pruneCopies(backupsDir);
  return copy;
}

/**
 * SQLite's online backup API: a consistent copy even while another connection writes. All pages
 * go in one step: copied 100 at a time (better-sqlite3's default), every write by the server
 * between two steps restarted the copy, so a busy server could delay it without end. In WAL
 * mode that one step is a read transaction, which does not block the server's writes.
 */
export async function onlineCopy(file: string, destination: string): Promise<void> {
  const source = new SqliteDatabase(file, { fileMustExist: true });
  try {
    await source.backup(destination, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
}

async function pruneCopies(backupsDir: string): Promise<void> {
  const copies = (await fs.readdir(backupsDir)).filter((name) => COPY_NAME.test(name)).sort();
  const old = copies.slice(0, Math.max(0, copies.length - KEPT_PRE_MIGRATION_COPIES));
  await Promise.all(old.map((name) => fs.rm(path.join(backupsDir, name), { force: true })));
}
