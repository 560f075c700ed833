/**
 * `npm run backup` and `npm run restore`: one .tar.gz holding a consistent copy of the SQLite
 * database (taken with SQLite's online backup API, so the server may keep running and writing),
 * which holds the uploaded pictures too (005-pictures), with a manifest that says what it is.
 * Picture files a server of this version has not yet moved into the database (it does so at
 * start-up) go in as files, and come back as files that the next start-up moves in.
 *
 * Archive layout: `manifest.json`, `tertulia.db`, `pictures/avatars/`, `pictures/logos/`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { z } from 'zod';
import type { Config } from '../config.js';
import { migrationNames } from './database.js';
import { onlineCopy } from './pre-migration-backup.js';

const run = promisify(execFile);

/** A refusal or bad input, said in one line; the command line tools exit with code 2. */
export class BackupError extends Error {}

const FORMAT = 'tertulia-backup';
const FORMAT_VERSION = 1;
const DATABASE_ENTRY = 'tertulia.db';
const PICTURES_ENTRY = 'pictures';
/** Where pictures lay under DATA_DIR before the database held them (avatars/import-picture-files.ts). */
const PICTURE_FOLDERS = ['avatars', 'logos'] as const;

const manifestSchema = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.literal(FORMAT_VERSION),
  createdAt: z.iso.datetime(),
  /** The newest migration the copied database has run; undefined for an empty database. */
  latestMigration: z.string().optional(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

const POSTGRES_GUIDANCE =
  'DATABASE_URL is PostgreSQL: back it up with pg_dump -Fc and restore with pg_restore --clean (docs/operations.md)';

type SqliteConfig = Config & { database: { kind: 'sqlite'; file: string } };

function sqliteOnly(config: Config): SqliteConfig {
  if (config.database.kind !== 'sqlite') throw new BackupError(POSTGRES_GUIDANCE);
  return config as SqliteConfig;
}

/** Writes a backup of the data `npm start` uses to `out`; safe while the server runs. */
export async function createBackup(
  config: Config,
  out: string,
  now: Date = new Date(),
): Promise<BackupManifest> {
  const { database, dataDir } = sqliteOnly(config);
  if (!(await exists(database.file))) {
    throw new BackupError(`no database at ${database.file}: check DATA_DIR / DATABASE_URL`);
  }
  await fs.mkdir(dataDir, { recursive: true });
  const work = await fs.mkdtemp(path.join(dataDir, '.backup-'));
  try {
    // The database first: a picture file moved in after the copy is then in both, never in neither.
    await onlineCopy(database.file, path.join(work, DATABASE_ENTRY));
    for (const folder of PICTURE_FOLDERS) {
      const from = path.join(dataDir, folder);
      if (await exists(from)) {
        await fs.cp(from, path.join(work, PICTURES_ENTRY, folder), { recursive: true });
      }
    }
    await fs.mkdir(path.join(work, PICTURES_ENTRY), { recursive: true });
    const manifest: BackupManifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      createdAt: now.toISOString(),
      latestMigration: latestMigrationIn(path.join(work, DATABASE_ENTRY)),
    };
    await fs.writeFile(path.join(work, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const target = path.resolve(out);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await run('tar', ['-czf', target, '-C', work, 'manifest.json', DATABASE_ENTRY, PICTURES_ENTRY]);
    return manifest;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/**
 * Puts a backup in place of the current data, which is first moved to
 * `DATA_DIR/backups/before-restore-<time>/`. Refuses while the server has the database open.
 * Answers that folder.
 */
export async function restoreBackup(
  config: Config,
  file: string,
  now: Date = new Date(),
): Promise<string> {
  const { database, dataDir } = sqliteOnly(config);
  try {
    await fs.access(file, fs.constants.R_OK);
  } catch {
    throw new BackupError(`cannot read ${file}`);
  }
  const notBackup = new BackupError(`${file} is not a Tertulia backup`);
  const entries = await tarList(file).catch(() => {
    throw notBackup;
  });
  if (!entries.includes('manifest.json') || !entries.includes(DATABASE_ENTRY)) throw notBackup;
  if (!entries.every((e) => isExpectedEntry(e))) throw notBackup;

  await fs.mkdir(dataDir, { recursive: true });
  const work = await fs.mkdtemp(path.join(dataDir, '.restore-'));
  try {
    await run('tar', ['-xzf', file, '-C', work]);
    const manifest = manifestSchema.safeParse(
      await readJson(path.join(work, 'manifest.json')).catch(() => null),
    );
    if (!manifest.success) throw notBackup;
    const latest = manifest.data.latestMigration;
    if (latest !== undefined && !migrationNames.includes(latest)) {
      throw new BackupError(
        `${file} was made by a newer Tertulia (its schema has ${latest}); upgrade first`,
      );
    }
    if (await exists(database.file)) assertNotInUse(database.file);

    const aside = path.join(
      dataDir,
      'backups',
      `before-restore-${now.toISOString().replaceAll(':', '-')}`,
    );
    await fs.mkdir(aside, { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) {
      await moveIfExists(
        database.file + suffix,
        path.join(aside, path.basename(database.file) + suffix),
      );
    }
    for (const folder of PICTURE_FOLDERS) {
      await moveIfExists(path.join(dataDir, folder), path.join(aside, folder));
    }

    await fs.mkdir(path.dirname(database.file), { recursive: true });
    await move(path.join(work, DATABASE_ENTRY), database.file);
    for (const folder of PICTURE_FOLDERS) {
      await moveIfExists(path.join(work, PICTURES_ENTRY, folder), path.join(dataDir, folder));
    }
    return aside;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/**
 * A running server keeps its connection open in WAL mode; an exclusive-mode connection cannot
 * then take its lock (SQLITE_BUSY at once, no waiting). Unlike a pid file or a port probe, this
 * asks the file itself, so it also catches a server started with another PORT or on a copy.
 */
function assertNotInUse(file: string): void {
  const probe = new SqliteDatabase(file, { fileMustExist: true, timeout: 0 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('ROLLBACK');
  } catch {
    throw new BackupError(`${file} is in use: stop Tertulia before restoring`);
  } finally {
    probe.close();
  }
}

function latestMigrationIn(file: string): string | undefined {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'")
      .get();
    if (!table) return undefined;
    const row = db.prepare('SELECT max(name) AS name FROM kysely_migration').get() as {
      name: string | null;
    };
    return row.name ?? undefined;
  } finally {
    db.close();
  }
}

async function tarList(file: string): Promise<string[]> {
  const { stdout } = await run('tar', ['-tzf', file], { maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/^\.\//, ''));
}

/** Only our own names, so an archive cannot write outside the folder it is unpacked in. */
function isExpectedEntry(entry: string): boolean {
  if (entry.split('/').includes('..')) return false;
  return (
    entry === 'manifest.json' ||
    entry === DATABASE_ENTRY ||
    entry === `${PICTURES_ENTRY}/` ||
    PICTURE_FOLDERS.some((folder) => entry.startsWith(`${PICTURES_ENTRY}/${folder}/`))
  );
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
}

async function moveIfExists(from: string, to: string): Promise<void> {
  if (await exists(from)) await move(from, to);
}

/** A rename, or a copy and delete when DATABASE_URL puts the file on another file system. */
async function move(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.cp(from, to, { recursive: true });
    await fs.rm(from, { recursive: true, force: true });
  }
}
