import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting } from '../../src/shared/api.js';
import { runBackupCli, runRestoreCli } from '../../src/server/storage/backup-cli.js';
import { createBackup, restoreBackup } from '../../src/server/storage/backup.js';
import { migrationNames } from '../../src/server/storage/database.js';
import { fileUpload } from '../support/multipart.js';
import { startTestApp, type TestApp } from '../support/harness.js';

/** What the command line tools printed, and their exit codes. */
function capture() {
  const lines: string[] = [];
  return { lines, out: { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) } };
}

describe('backup and restore (sqlite)', () => {
  let t: TestApp;
  let cookie: string;
  const archive = () => path.join(t.config.dataDir, 'elsewhere', 'tertulia-backup.tar.gz');

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    const member = await t.createMember();
    cookie = await t.login(member.email, member.password);
  });
  afterAll(async () => {
    await t.close();
  });

  async function createMeeting(name: string): Promise<Meeting> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie },
      payload: { name, startsAt: '2030-03-05T10:00:00.000Z', timeZone: 'Europe/Madrid' },
    });
    expect(response.statusCode).toBe(201);
    return response.json<Meeting>();
  }

  async function meetingNames(): Promise<string[]> {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/meetings',
      headers: { cookie },
    });
    return response.json<{ meetings: Meeting[] }>().meetings.map((m) => m.name);
  }

  it('restores the meetings and avatars of a backup taken while the server ran, keeping the replaced data aside', async () => {
    await createMeeting('Before the backup');
    const picture = await sharp({
      create: { width: 64, height: 64, channels: 3, background: '#2a6f97' },
    })
      .png()
      .toBuffer();
    const body = fileUpload(picture, { filename: 'me.png', contentType: 'image/png' });
    const uploaded = await t.app.inject({
      method: 'POST',
      url: '/api/avatars',
      headers: { ...body.headers, cookie },
      payload: body.payload,
    });
    expect(uploaded.statusCode).toBe(201);
    const avatar = uploaded.json<{ id: string; url: string }>();
    const served = async () => t.app.inject({ method: 'GET', url: avatar.url });
    const before = (await served()).rawPayload;
    // The picture is in the database, so the database copy carries it.
    const stored = () =>
      t.db.selectFrom('pictures').select('id').where('id', '=', avatar.id).execute();
    expect(await stored()).toHaveLength(1);

    const manifest = await createBackup(t.config, archive());
    expect(manifest.latestMigration).toBe(migrationNames.at(-1));

    await createMeeting('After the backup');
    await t.db.deleteFrom('pictures').where('id', '=', avatar.id).execute();
    expect((await served()).statusCode).toBe(404);
    expect(await meetingNames()).toHaveLength(2);

    await expect(restoreBackup(t.config, archive())).rejects.toThrow(
      /in use: stop Tertulia before restoring/,
    );

    let aside = '';
    await t.restart(async () => {
      aside = await restoreBackup(t.config, archive());
    });
    expect(await meetingNames()).toEqual(['Before the backup']);
    expect(await stored()).toHaveLength(1);
    const restored = await served();
    expect(restored.statusCode).toBe(200);
    expect(restored.rawPayload.equals(before)).toBe(true);
    expect(aside).toMatch(/backups[/\\]before-restore-/);
    expect(fs.readdirSync(aside)).toContain('tertulia.db');
  });

  it('refuses, with exit code 2 and one line, a file that is not a Tertulia backup and an archive of something else', async () => {
    const dir = t.config.dataDir;
    const notBackup = path.join(dir, 'not-a-backup.tar.gz');
    fs.writeFileSync(notBackup, 'hello');
    const otherArchive = path.join(dir, 'other.tar.gz');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    execFileSync('tar', ['-czf', otherArchive, '-C', dir, 'notes.txt']);
    const { lines, out } = capture();
    await t.restart(async () => {
      expect(await runRestoreCli([notBackup], { DATA_DIR: dir }, out)).toBe(2);
      expect(await runRestoreCli([otherArchive], { DATA_DIR: dir }, out)).toBe(2);
    });
    expect(lines).toEqual([
      `${notBackup} is not a Tertulia backup`,
      `${otherArchive} is not a Tertulia backup`,
    ]);
  });
});

describe('backup and restore command lines', () => {
  const env = { DATA_DIR: '/nonexistent/tertulia' };

  it('answers exit code 2 with the usage line to a backup without --out or a restore without a file', async () => {
    const backup = capture();
    const restore = capture();
    expect(await runBackupCli([], env, backup.out)).toBe(2);
    expect(await runRestoreCli([], env, restore.out)).toBe(2);
    expect(backup.lines).toEqual(['usage: npm run backup -- --out FILE.tar.gz']);
    expect(restore.lines).toEqual(['usage: npm run restore -- FILE.tar.gz']);
  });

  it('prints the usage line for a missing --out and the pg_dump guidance for PostgreSQL', async () => {
    const missing = capture();
    await runBackupCli(['--out'], env, missing.out);
    const postgres = capture();
    const code = await runRestoreCli(
      ['x.tar.gz'],
      { DATABASE_URL: 'postgres://db.example/tertulia' },
      postgres.out,
    );
    expect(code).toBe(2);
    expect(missing.lines).toHaveLength(1);
    expect(postgres.lines).toEqual([expect.stringMatching(/pg_dump -Fc .* pg_restore --clean/)]);
  });

  it('refuses an unreadable file in one line', async () => {
    const { lines, out } = capture();
    expect(await runRestoreCli(['/nonexistent/backup.tar.gz'], env, out)).toBe(2);
    expect(lines).toEqual(['cannot read /nonexistent/backup.tar.gz']);
  });
});
