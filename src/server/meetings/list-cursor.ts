/**
 * Keyset paging of meeting lists. A list is ordered by start time with the meeting id as the
 * tiebreaker, so the order is total and a page boundary between two meetings that start at the
 * same instant neither skips nor repeats one. The cursor names the last meeting of a page, by
 * that pair, and the list it came from.
 *
 * The cursor is base64url JSON, opaque to clients but not secret: it is a position, and the
 * query behind every page still applies the viewer's visibility, so an edited cursor can only
 * move where a list starts, never show what the viewer may not see. It is still validated in
 * full, so a mangled one is a clear 400 INVALID_CURSOR rather than a quietly wrong page.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';

/** One ordering of meetings, e.g. `upcoming` or `admin:past`: a cursor only fits its own list. */
export type ListName = string;

export interface ListPosition {
  startsAt: string;
  id: string;
}

const payloadSchema = z
  .object({
    list: z.string().min(1).max(32),
    startsAt: z.iso.datetime(),
    id: z.string().min(1).max(64),
  })
  .strict();

export function encodeCursor(list: ListName, position: ListPosition): string {
  const payload = { list, startsAt: position.startsAt, id: position.id };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The position a cursor names; INVALID_CURSOR when it is malformed or from another list. */
export function decodeCursor(list: ListName, cursor: string): ListPosition {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('INVALID_CURSOR');
  }
  const parsed = payloadSchema.safeParse(json);
  // Start times are stored as Date#toISOString() text and compared as text, so only that exact
  // form keeps the order; any other spelling of an instant is not a cursor this server wrote.
  if (
    !parsed.success ||
    parsed.data.list !== list ||
    new Date(parsed.data.startsAt).toISOString() !== parsed.data.startsAt
  ) {
    throw new AppError('INVALID_CURSOR');
  }
  return { startsAt: parsed.data.startsAt, id: parsed.data.id };
}
