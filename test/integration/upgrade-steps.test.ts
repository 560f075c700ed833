/**
 * Upgrades never break a database: for every shipped migration k, a database that ran each
 * version up to k (and got rows in each step's table shapes along the way) is migrated to the
 * latest schema, and today's services must read every row back. On SQLite always, on
 * PostgreSQL too when TEST_DATABASE_URL is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices } from '../../src/server/compose.js';
import { loadConfig } from '../../src/server/config.js';
import {
  migrateToLatest,
  migrationNames,
  migrator,
  openDatabase,
  type Db,
} from '../../src/server/storage/database.js';
import { createPostgresDatabase, databaseKinds, TestClock } from '../support/harness.js';
import { FIXTURE_NOW, MIGRATION_FIXTURES, type UntypedDb } from '../support/migration-fixtures.js';

describe('upgrade fixtures', () => {
  it('exist for every migration, so a new migration must bring its own', () => {
    const missing = migrationNames.filter((name) => !(name in MIGRATION_FIXTURES));
    expect(missing, 'add an entry to test/support/migration-fixtures.ts').toEqual([]);
    expect(Object.keys(MIGRATION_FIXTURES).filter((n) => !migrationNames.includes(n))).toEqual([]);
  });
});

describe.each(databaseKinds)('upgrading a %s database', (kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function freshDatabase() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-upgrade-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const pg = kind === 'postgres' ? await createPostgresDatabase() : undefined;
    if (pg) cleanups.push(pg.drop);
    const config = loadConfig({
      DATA_DIR: dataDir,
      PUBLIC_URL: 'http://tertulia.test',
      LOG_LEVEL: 'silent',
      MEDIA: 'p2p',
      ...(pg ? { DATABASE_URL: pg.url } : {}),
    });
    const db: Db = openDatabase(config.database);
    cleanups.push(() => db.destroy());
    return { db, config };
  }

  async function migrateTo(db: Db, name: string): Promise<void> {
    const { error, results } = await migrator(db).migrateTo(name);
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) throw new Error(`migrating to ${name} failed`, { cause: error });
  }

  it.each(migrationNames.map((name, index) => [name, index] as const))(
    'keeps the rows of an installation last run at %s',
    async (_name, lastIndex) => {
      const { db, config } = await freshDatabase();
      const steps = migrationNames.slice(0, lastIndex + 1);
      for (const step of steps) {
        await migrateTo(db, step);
        await MIGRATION_FIXTURES[step]?.insert(db as unknown as UntypedDb);
      }

      await migrateToLatest(db);

      const services = createServices(db, config, new TestClock(new Date(FIXTURE_NOW)));
      for (const step of steps) {
        const fixture = MIGRATION_FIXTURES[step];
        if (!fixture) throw new Error(`no fixture for ${step}`);
        await fixture.check({ services, db });
      }
    },
    30_000,
  );
});
