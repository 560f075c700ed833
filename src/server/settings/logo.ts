/**
 * The organization's logo. Like avatars, an upload is sniffed by content, decoded and
 * re-encoded by sharp with its metadata dropped; unlike avatars it keeps its proportions and
 * becomes a PNG, the format every email client shows (Outlook for Windows shows no WebP). Each upload
 * gets a new id, so its URL can be cached for good and an email keeps the logo it was sent with
 * until that logo is replaced. Stored in the database (`pictures`), like avatars.
 */
import { AVATAR_MAX_BYTES } from '../avatars/avatars.js';
import { PictureStore } from '../avatars/picture-store.js';
import { reencodeUpload } from '../avatars/reencode.js';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';

export const LOGO_MAX_BYTES = AVATAR_MAX_BYTES;
/**
 * Every logo becomes this canvas, the logo scaled into it against the left edge on a
 * transparent background, so emails can give Outlook fixed sizes (it needs both) without
 * knowing the logo's shape. Shown at 180 x 60: sharp on high-density screens.
 */
export const LOGO_CANVAS_PX = { width: 600, height: 200 };
const ACCEPTED_MIME = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);

export function logoUrl(id: string | null): string | null {
  return id ? `/logos/${id}.png` : null;
}

export class Logos {
  private readonly pictures: PictureStore;

  constructor(db: Db, clock: Clock) {
    this.pictures = new PictureStore(db, clock, 'logo', 'image/png');
  }

  /** Checks and re-encodes an upload (throws AppError when it is no picture); answers the PNG. */
  prepare(bytes: Buffer): Promise<Buffer> {
    return reencode(bytes);
  }

  /** Stores a prepared PNG and answers its new id; inside a transaction pass it as `executor`. */
  store(png: Buffer, executor?: Db): Promise<string> {
    return this.pictures.save(png, executor);
  }

  read(id: string): Promise<Buffer | undefined> {
    return this.pictures.read(id);
  }

  remove(id: string, executor?: Db): Promise<void> {
    return this.pictures.remove(id, executor);
  }
}

function reencode(bytes: Buffer): Promise<Buffer> {
  return reencodeUpload(bytes, { maxBytes: LOGO_MAX_BYTES, accepted: ACCEPTED_MIME }, (image) =>
    image
      .resize({
        ...LOGO_CANVAS_PX,
        fit: 'contain',
        position: 'left',
        background: { r: 0, g: 0, b: 0, alpha: 0 },
      })
      .png({ compressionLevel: 9 }),
  );
}
