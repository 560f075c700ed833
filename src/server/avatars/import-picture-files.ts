/**
 * Pictures uploaded before they were kept in the database (migration 005-pictures) lay in
 * `DATA_DIR/avatars/<id>.webp` and `DATA_DIR/logos/<id>.png`. At start-up each one still in use
 * (an avatar with its `avatars` row, the logo the settings name) is copied into `pictures`
 * under its id, so its URL keeps working; then every file is moved, not deleted, to
 * `DATA_DIR/backups/pictures-before-database/`, whose removal is the operator's call.
 *
 * Idempotent: an id already in the table is left as it is, and a file moved is not seen again;
 * a start-up that dies half-way finishes the job on the next one. With several nodes each one
 * imports the files of its own DATA_DIR.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../storage/database.js';
import type { PicturesTable } from '../storage/schema.js';

const FOLDERS = [
  { folder: 'avatars', kind: 'avatar', extension: '.webp', contentType: 'image/webp' },
  { folder: 'logos', kind: 'logo', extension: '.png', contentType: 'image/png' },
] as const;
/** What newId() made: a UUID. */
const ID_PATTERN = /^[0-9a-f-]{36}$/;
export const MOVED_TO = path.join('backups', 'pictures-before-database');

export interface ImportedPictures {
  /** Files copied into the database. */
  imported: number;
  /** Files moved aside without being copied: no avatar row or setting used them. */
  unused: number;
}

export async function importPictureFiles(db: Db, dataDir: string): Promise<ImportedPictures> {
  const result: ImportedPictures = { imported: 0, unused: 0 };
  for (const { folder, kind, extension, contentType } of FOLDERS) {
    const dir = path.join(dataDir, folder);
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const aside = path.join(dataDir, MOVED_TO, folder);
    for (const name of names) {
      const id = name.endsWith(extension) ? name.slice(0, -extension.length) : '';
      // Anything else (a `.tmp` left by a crash mid-write) stays where it is.
      if (!ID_PATTERN.test(id)) continue;
      const file = path.join(dir, name);
      if (await inUse(db, kind, id)) {
        const bytes = await fs.readFile(file);
        const { mtime } = await fs.stat(file);
        await db
          .insertInto('pictures')
          .values({
            id,
            kind,
            content_type: contentType,
            size_bytes: bytes.length,
            bytes,
            created_at: mtime.toISOString(),
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        result.imported += 1;
      } else {
        result.unused += 1;
      }
      await fs.mkdir(aside, { recursive: true });
      await fs.rename(file, path.join(aside, name));
    }
  }
  return result;
}

async function inUse(db: Db, kind: PicturesTable['kind'], id: string): Promise<boolean> {
  const row =
    kind === 'avatar'
      ? await db.selectFrom('avatars').select('id').where('id', '=', id).executeTakeFirst()
      : await db
          .selectFrom('settings')
          .select('id')
          .where('organization_logo_id', '=', id)
          .executeTakeFirst();
  return row !== undefined;
}
