import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MOVED_TO } from '../../src/server/avatars/import-picture-files.js';
import { systemClock } from '../../src/server/clock.js';
import { createServices, openStorage } from '../../src/server/compose.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import { buildApp } from '../../src/server/http/app.js';
import { migrator, openDatabase, type Db } from '../../src/server/storage/database.js';
import { createPostgresDatabase, databaseKinds } from '../support/harness.js';

/** The schema just before pictures moved into the database. */
const BEFORE_PICTURES = '004-settings-audit';
const ids = {
  avatar: '11111111-1111-4111-8111-111111111111',
  unusedAvatar: '22222222-2222-4222-8222-222222222222',
  logo: '33333333-3333-4333-8333-333333333333',
};

function picture(format: 'webp' | 'png', background: string): Promise<Buffer> {
  const image = sharp({ create: { width: 32, height: 32, channels: 3, background } });
  return (format === 'webp' ? image.webp() : image.png()).toBuffer();
}

describe.each(databaseKinds)('pictures kept as files before 005-pictures (%s)', (kind) => {
  let dataDir: string;
  let config: Config;
  let dropDatabase: () => Promise<void>;
  let files: { avatar: Buffer; unusedAvatar: Buffer; logo: Buffer };
  const open: { db: Db; app: FastifyInstance }[] = [];

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-pictures-'));
    const postgres = kind === 'postgres' ? await createPostgresDatabase() : undefined;
    dropDatabase = postgres?.drop ?? (async () => {});
    config = loadConfig({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      MEDIA: 'p2p',
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    });
    // What an older Tertulia left: its schema, an avatar row and the logo setting, the files.
    const db = openDatabase(config.database);
    const { error } = await migrator(db).migrateTo(BEFORE_PICTURES);
    if (error) throw error;
    await db
      .insertInto('avatars')
      .values({ id: ids.avatar, owner_user_id: null, created_at: '2029-01-01T00:00:00.000Z' })
      .execute();
    await db.updateTable('settings').set({ organization_logo_id: ids.logo }).execute();
    await db.destroy();
    files = {
      avatar: await picture('webp', '#2a6f97'),
      unusedAvatar: await picture('webp', '#c2410c'),
      logo: await picture('png', '#15803d'),
    };
    fs.mkdirSync(path.join(dataDir, 'avatars'));
    fs.mkdirSync(path.join(dataDir, 'logos'));
    fs.writeFileSync(path.join(dataDir, 'avatars', `${ids.avatar}.webp`), files.avatar);
    fs.writeFileSync(path.join(dataDir, 'avatars', `${ids.unusedAvatar}.webp`), files.unusedAvatar);
    fs.writeFileSync(path.join(dataDir, 'avatars', `${ids.avatar}.webp.tmp`), 'half written');
    fs.writeFileSync(path.join(dataDir, 'logos', `${ids.logo}.png`), files.logo);
  });
  afterEach(async () => {
    for (const { db, app } of open.splice(0)) {
      await app.close();
      await db.destroy();
    }
    await dropDatabase();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** One start-up of the server: storage opened as main.ts does it, then the app. */
  async function start(lines: string[] = []): Promise<{ db: Db; app: FastifyInstance }> {
    const log = { info: (line: string) => lines.push(line), warn() {}, error() {} };
    const db = await openStorage(config, log);
    const services = createServices(db, config, systemClock);
    const app = await buildApp({
      config,
      services,
      logger: false,
      webDir: path.join(dataDir, 'no-web'),
    });
    open.push({ db, app });
    return { db, app };
  }

  const listing = (...parts: string[]) => fs.readdirSync(path.join(dataDir, ...parts)).sort();

  it('copies the pictures in use into the database at start-up, serves them at their old URLs, and moves every file aside', async () => {
    const lines: string[] = [];
    const { app } = await start(lines);

    const avatar = await app.inject({ url: `/avatars/${ids.avatar}.webp` });
    expect(avatar.statusCode).toBe(200);
    expect(avatar.headers['content-type']).toBe('image/webp');
    expect(avatar.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(avatar.rawPayload.equals(files.avatar)).toBe(true);
    const logo = await app.inject({ url: `/logos/${ids.logo}.png` });
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.rawPayload.equals(files.logo)).toBe(true);
    // No avatar row used it: nobody can have linked it, so it is not carried over.
    expect((await app.inject({ url: `/avatars/${ids.unusedAvatar}.webp` })).statusCode).toBe(404);

    expect(listing('avatars')).toEqual([`${ids.avatar}.webp.tmp`]);
    expect(listing('logos')).toEqual([]);
    expect(listing(MOVED_TO, 'avatars')).toEqual([
      `${ids.avatar}.webp`,
      `${ids.unusedAvatar}.webp`,
    ]);
    expect(listing(MOVED_TO, 'logos')).toEqual([`${ids.logo}.png`]);
    expect(lines.join('\n')).toMatch(
      /pictures: 2 copied from DATA_DIR into the database, 1 unused/,
    );
  });

  it('stores the bytes with their type, size and upload time', async () => {
    const { db } = await start();
    const rows = await db
      .selectFrom('pictures')
      .select(['id', 'kind', 'content_type', 'size_bytes', 'created_at'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        id: ids.avatar,
        kind: 'avatar',
        content_type: 'image/webp',
        size_bytes: files.avatar.length,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
      {
        id: ids.logo,
        kind: 'logo',
        content_type: 'image/png',
        size_bytes: files.logo.length,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
  });

  it('does the job once: a later start-up, even with a file put back, changes nothing', async () => {
    const first = await start();
    const { db, app } = first;
    open.splice(0);
    await app.close();
    await db.destroy();
    // An operator copies a file back from the aside folder by mistake.
    fs.copyFileSync(
      path.join(dataDir, MOVED_TO, 'avatars', `${ids.avatar}.webp`),
      path.join(dataDir, 'avatars', `${ids.avatar}.webp`),
    );
    const lines: string[] = [];
    const again = await start(lines);
    const count = await again.db
      .selectFrom('pictures')
      .select(({ fn }) => fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
    const avatar = await again.app.inject({ url: `/avatars/${ids.avatar}.webp` });
    expect(avatar.rawPayload.equals(files.avatar)).toBe(true);
    expect(listing('avatars')).toEqual([`${ids.avatar}.webp.tmp`]);
  });
});
