import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { onlineCopy } from './pre-migration-backup.js';

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('onlineCopy', () => {
  it('finishes while another connection writes between every step, with the copy consistent', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-online-copy-'));
    folders.push(dir);
    const file = path.join(dir, 'busy.db');
    const server = new SqliteDatabase(file);
    server.pragma('journal_mode = WAL');
    server.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB)');
    const insert = server.prepare('INSERT INTO t (body) VALUES (?)');
    // About 2 MB: several hundred pages, so copying 100 a step would take several steps.
    server.transaction(() => {
      for (let i = 0; i < 500; i += 1) insert.run(Buffer.alloc(4_000, i));
    })();

    let writing = true;
    const write = () => {
      if (!writing) return;
      insert.run(Buffer.alloc(100));
      setImmediate(write);
    };
    setImmediate(write);
    try {
      await onlineCopy(file, path.join(dir, 'copy.db'));
    } finally {
      writing = false;
      server.close();
    }

    const copy = new SqliteDatabase(path.join(dir, 'copy.db'), { readonly: true });
    const { n } = copy.prepare('SELECT count(*) AS n FROM t').get() as { n: number };
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    expect(n).toBeGreaterThanOrEqual(500);
  }, 5_000);
});
