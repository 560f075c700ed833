/**
 * The grid view's paging: how many equal tiles fit the space, and which ones a page shows.
 * Past what fits, the grid pages rather than shrinking tiles below a useful size.
 */

/** Smallest useful grid tile (px, 16:9 with its label) and the room kept for the toolbar. */
export const GRID_TILE_MIN = { width: 240, height: 150 } as const;
export const GRID_RESERVED_HEIGHT_PX = 140;

/** The most columns and rows of tiles that fit; a page holds `columns * rows` tiles. */
export function gridFit(width: number, height: number): { columns: number; rows: number } {
  const columns = Math.max(1, Math.floor(width / GRID_TILE_MIN.width));
  const rows = Math.max(1, Math.floor((height - GRID_RESERVED_HEIGHT_PX) / GRID_TILE_MIN.height));
  return { columns, rows };
}

/** Columns for `count` tiles: near square, never more than fit. */
export function columnsFor(count: number, fit: { columns: number }): number {
  return Math.max(1, Math.min(fit.columns, Math.ceil(Math.sqrt(count))));
}

/** The page's items and the page count; a page past the end shows the last one. */
export function pageOf<T>(
  items: readonly T[],
  perPage: number,
  page: number,
): { items: T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const shown = Math.min(Math.max(0, page), pages - 1);
  return { items: items.slice(shown * perPage, (shown + 1) * perPage), page: shown, pages };
}
