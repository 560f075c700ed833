/**
 * Avatar pictures. Uploads are sniffed by content (never by name or header), decoded and
 * re-encoded by sharp into a 256×256 WebP with all metadata (EXIF GPS included) dropped, and
 * stored under a random id in the database (who it belongs to in `avatars`, the picture in
 * `pictures`). Anything that is not a plain raster picture is refused.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import { PictureStore } from './picture-store.js';
import { reencodeUpload } from './reencode.js';

export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
const AVATAR_SIZE_PX = 256;
const ACCEPTED_MIME = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/heic',
  'image/heif',
  'image/avif',
]);

export class AvatarsService {
  private readonly pictures: PictureStore;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.pictures = new PictureStore(db, clock, 'avatar', 'image/webp');
  }

  async store(
    bytes: Buffer,
    owner: { ownerUserId: string | null; meetingId: string | null },
  ): Promise<{ id: string; url: string }> {
    const webp = await reencode(bytes);
    const id = await this.db.transaction().execute(async (tx) => {
      const stored = await this.pictures.save(webp, tx);
      await tx
        .insertInto('avatars')
        .values({
          id: stored,
          owner_user_id: owner.ownerUserId,
          meeting_id: owner.meetingId,
          created_at: this.clock.now().toISOString(),
        })
        .execute();
      return stored;
    });
    return { id, url: `/avatars/${id}.webp` };
  }

  /** The stored WebP for an id, or undefined when there is none. */
  read(id: string): Promise<Buffer | undefined> {
    return this.pictures.read(id);
  }

  /**
   * Deletes pictures nobody uses (no member's avatar, no guest's) once they are older than
   * `olderThanMs`: abandoned lobby uploads and replaced profile pictures.
   */
  async purgeUnreferenced(olderThanMs: number): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - olderThanMs).toISOString();
    const stale = await this.db
      .selectFrom('avatars')
      .select('id')
      .where('created_at', '<', cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('users').select('users.id').whereRef('users.avatar_id', '=', 'avatars.id'),
          ),
        ),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('guest_sessions')
              .select('guest_sessions.token_hash')
              .whereRef('guest_sessions.avatar_id', '=', 'avatars.id'),
          ),
        ),
      )
      .execute();
    for (const { id } of stale) {
      await this.db.transaction().execute(async (tx) => {
        await tx.deleteFrom('avatars').where('id', '=', id).execute();
        await this.pictures.remove(id, tx);
      });
    }
    return stale.length;
  }
}

function reencode(bytes: Buffer): Promise<Buffer> {
  return reencodeUpload(bytes, { maxBytes: AVATAR_MAX_BYTES, accepted: ACCEPTED_MIME }, (image) =>
    image
      .resize(AVATAR_SIZE_PX, AVATAR_SIZE_PX, { fit: 'cover', position: 'attention' })
      .webp({ quality: 82 }),
  );
}
