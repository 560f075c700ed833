import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/server/config.js';
import { openStorage } from '../../src/server/compose.js';
import { migrationNames, migrator, openDatabase } from '../../src/server/storage/database.js';
import { backupBeforeMigrating } from '../../src/server/storage/pre-migration-backup.js';

const EARLIER = '003-lobby';

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function sqliteConfig(): Config & { database: { kind: 'sqlite'; file: string } } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-premigrate-'));
  folders.push(dataDir);
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', MEDIA: 'p2p' });
  if (config.database.kind !== 'sqlite') throw new Error('expected SQLite');
  return config as Config & { database: { kind: 'sqlite'; file: string } };
}

/** A database file whose schema stops at `EARLIER`, as an older Tertulia left it. */
async function migrateTo(config: Config, name: string): Promise<void> {
  const db = openDatabase(config.database);
  const { error } = await migrator(db).migrateTo(name);
  await db.destroy();
  if (error) throw error;
}

function appliedIn(file: string): string[] {
  const copy = new SqliteDatabase(file, { readonly: true });
  try {
    const rows = copy.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as {
      name: string;
    }[];
    return rows.map((row) => row.name);
  } finally {
    copy.close();
  }
}

const backupsOf = (config: Config) => path.join(config.dataDir, 'backups');
const listBackups = (config: Config) =>
  fs.existsSync(backupsOf(config)) ? fs.readdirSync(backupsOf(config)).sort() : [];

describe('openStorage before migrating SQLite', () => {
  it('copies a database with pending migrations, as it was, into DATA_DIR/backups and logs where', async () => {
    const config = sqliteConfig();
    await migrateTo(config, EARLIER);
    const lines: string[] = [];
    const log = { info: (line: string) => lines.push(line), warn() {}, error() {} };

    const db = await openStorage(config, log, { now: () => new Date('2030-01-02T03:04:05Z') });
    await db.destroy();

    const firstPending = migrationNames[migrationNames.indexOf(EARLIER) + 1];
    const name = `2030-01-02T03-04-05.000Z-before-${firstPending}.db`;
    expect(listBackups(config)).toEqual([name]);
    const copy = path.join(backupsOf(config), name);
    expect(lines).toEqual([`database copied to ${copy} before migrating`]);
    expect(appliedIn(copy)).toEqual(migrationNames.slice(0, migrationNames.indexOf(EARLIER) + 1));
    expect(appliedIn(config.database.file)).toEqual(migrationNames);
  });

  it('makes no copy of a brand-new database nor of one already up to date', async () => {
    const config = sqliteConfig();
    await (await openStorage(config)).destroy();
    await (await openStorage(config)).destroy();
    expect(listBackups(config)).toEqual([]);
  });

  it('keeps the newest five copies over six upgrades', async () => {
    const config = sqliteConfig();
    await migrateTo(config, EARLIER);
    const db = openDatabase(config.database);
    try {
      for (let day = 1; day <= 6; day += 1) {
        const now = new Date(`2030-01-0${day}T00:00:00Z`);
        await backupBeforeMigrating(db, config.database, backupsOf(config), now);
      }
    } finally {
      await db.destroy();
    }
    const kept = listBackups(config);
    expect(kept).toHaveLength(5);
    expect(kept[0]).toMatch(/^2030-01-02T/);
    expect(kept[4]).toMatch(/^2030-01-06T/);
  });
});
