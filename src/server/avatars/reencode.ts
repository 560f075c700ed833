/**
 * Reading an uploaded picture safely, for avatars and the organization logo: a size cap and a
 * sniffed type, a pixel limit before decoding, one frame only, EXIF orientation applied (metadata is then dropped), and
 * sharp's failures turned into the error codes people understand.
 */
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Sharp } from 'sharp';
import { AppError } from '../errors.js';

/** Pictures larger than this (about a 40-megapixel photo) are refused before decoding. */
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface UploadRules {
  maxBytes: number;
  /** Types recognised by their bytes (never the file name or the declared type). */
  accepted: ReadonlySet<string>;
}

/** Size and sniffed type first, then the re-encoding `finish` describes. */
export async function reencodeUpload(
  bytes: Buffer,
  rules: UploadRules,
  finish: (image: Sharp) => Sharp,
): Promise<Buffer> {
  if (bytes.length > rules.maxBytes) throw new AppError('IMAGE_TOO_LARGE');
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !rules.accepted.has(type.mime)) throw new AppError('UNSUPPORTED_IMAGE');
  return reencodeImage(bytes, finish);
}

async function reencodeImage(bytes: Buffer, finish: (image: Sharp) => Sharp): Promise<Buffer> {
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, pages: 1, failOn: 'error' });
    const { width = 0, height = 0 } = await image.metadata();
    if (width * height > MAX_IMAGE_PIXELS) throw new AppError('IMAGE_TOO_MANY_PIXELS');
    return await finish(image.rotate()).toBuffer();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : '';
    if (/pixel limit/i.test(message)) throw new AppError('IMAGE_TOO_MANY_PIXELS', { cause: error });
    // sharp's prebuilt libvips reads AVIF but not HEVC-coded HEIC (patents); say so plainly.
    if (/heif|hevc/i.test(message)) {
      throw new AppError('UNSUPPORTED_IMAGE', {
        message: 'HEIC pictures cannot be read here; please choose a JPEG or PNG picture.',
        cause: error,
      });
    }
    throw new AppError('UNSUPPORTED_IMAGE', {
      message: 'The picture could not be read; it may be damaged.',
      cause: error,
    });
  }
}
