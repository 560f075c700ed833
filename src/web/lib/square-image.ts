/** Square avatar images drawn in a canvas, from a picked file or a video frame. */
import { centerSquare, exportSize } from './square-crop.js';

type Source = CanvasImageSource & ({ width: number; height: number } | HTMLVideoElement);

function sizeOf(source: Source): { width: number; height: number } {
  if (source instanceof HTMLVideoElement) {
    return { width: source.videoWidth, height: source.videoHeight };
  }
  return { width: source.width, height: source.height };
}

/** The centre square of `source`, at most 512 px, as WebP, or JPEG where WebP cannot be encoded. */
export async function squareBlob(source: Source): Promise<Blob> {
  const crop = centerSquare(sizeOf(source).width, sizeOf(source).height);
  if (crop.size === 0) throw new Error('The image has no pixels yet.');
  const side = exportSize(crop);
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('Canvas 2D is not available.');
  context.drawImage(source, crop.sx, crop.sy, crop.size, crop.size, 0, 0, side, side);
  // Safari answers a WebP request with PNG, which is far larger: use JPEG there.
  const webp = await toBlob(canvas, 'image/webp');
  return webp?.type === 'image/webp' ? webp : ((await toBlob(canvas, 'image/jpeg')) ?? fail());
}

function toBlob(canvas: HTMLCanvasElement, type: string): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, 0.9));
}

function fail(): never {
  throw new Error('The picture could not be encoded.');
}

/** Decodes a picked file, honouring its EXIF orientation; throws for formats the browser lacks. */
export async function decodeFile(file: Blob): Promise<ImageBitmap> {
  return createImageBitmap(file, { imageOrientation: 'from-image' });
}
