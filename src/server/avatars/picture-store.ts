/**
 * Re-encoded pictures (avatars, the organization's logo) in the database's `pictures` table,
 * one row per random id, so that every app node serves every picture. Each store holds one
 * kind: an avatar id asked for as a logo is not found, and the other way round. An id from a
 * request is checked before it reaches a query.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import type { PicturesTable } from '../storage/schema.js';
import { newId } from '../tokens.js';

/** What newId() makes: a UUID. */
const ID_PATTERN = /^[0-9a-f-]{36}$/;

export type PictureKind = PicturesTable['kind'];

export class PictureStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly kind: PictureKind,
    readonly contentType: 'image/webp' | 'image/png',
  ) {}

  /** Stores a picture under a new id and answers it; inside a transaction pass it as `executor`. */
  async save(bytes: Buffer, executor: Db = this.db): Promise<string> {
    const id = newId();
    await executor
      .insertInto('pictures')
      .values({
        id,
        kind: this.kind,
        content_type: this.contentType,
        size_bytes: bytes.length,
        bytes,
        created_at: this.clock.now().toISOString(),
      })
      .execute();
    return id;
  }

  /** The stored picture for an id, or undefined when there is none of this kind. */
  async read(id: string): Promise<Buffer | undefined> {
    if (!ID_PATTERN.test(id)) return undefined;
    const row = await this.db
      .selectFrom('pictures')
      .select('bytes')
      .where('id', '=', id)
      .where('kind', '=', this.kind)
      .executeTakeFirst();
    return row?.bytes;
  }

  async remove(id: string, executor: Db = this.db): Promise<void> {
    await executor
      .deleteFrom('pictures')
      .where('id', '=', id)
      .where('kind', '=', this.kind)
      .execute();
  }
}
