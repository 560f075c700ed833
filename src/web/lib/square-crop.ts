/** Geometry of a square avatar cut from a picture or a video frame; no DOM here. */

/** The largest square in the middle of a `width`×`height` image. */
export interface SquareCrop {
  sx: number;
  sy: number;
  size: number;
}

export function centerSquare(width: number, height: number): SquareCrop {
  const size = Math.max(0, Math.min(width, height));
  return { sx: Math.floor((width - size) / 2), sy: Math.floor((height - size) / 2), size };
}

/**
 * Side of the exported square in pixels: the crop's own size, at most `maxPx`. The server keeps
 * 256×256; 512 leaves it room to downscale cleanly and keeps uploads around 50 KB.
 */
export function exportSize(crop: SquareCrop, maxPx = 512): number {
  return Math.max(1, Math.min(Math.round(crop.size), maxPx));
}
