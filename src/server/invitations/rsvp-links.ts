/**
 * Personal answer links, `/r/<token>`: each invitation message to an invitee carries one, bound
 * to that invitee of that meeting. The token is 128 random bits; only its SHA-256 is stored
 * (table `rsvp_tokens`), so a copy of the database answers for nobody. Since a stored hash
 * cannot be written into a later message again, every message gets a new token and all the
 * invitee's earlier ones keep working.
 */
import type { Db } from '../storage/database.js';
import type { RsvpTokensTable } from '../storage/schema.js';
import { hashToken, newToken } from '../tokens.js';

export const RSVP_TOKEN_BYTES = 16;

/**
 * Stands for the token while a message is rendered once for all its recipients; each copy
 * replaces it with its own. Exactly as long as a real token (22 base64url characters), so an
 * SMS is measured at its final length, and made of base64url characters, which no renderer
 * escapes.
 */
export const RSVP_TOKEN_SLOT = 'RSVP-LINK-TOKEN-SLOT-0';

export function rsvpUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/r/${token}`;
}

/** A fresh token for one invitee and the row that stores its hash. */
export function issueRsvpToken(
  meetingId: string,
  recipientKey: string,
  now: Date,
): { token: string; row: RsvpTokensTable } {
  const token = newToken(RSVP_TOKEN_BYTES);
  return {
    token,
    row: {
      token_hash: hashToken(token),
      meeting_id: meetingId,
      recipient_key: recipientKey,
      created_at: now.toISOString(),
    },
  };
}

/** Which invitee of which meeting a token speaks for, if it is one of ours. */
export async function findRsvpToken(
  db: Db,
  token: string,
): Promise<{ meetingId: string; recipientKey: string } | undefined> {
  const row = await db
    .selectFrom('rsvp_tokens')
    .select(['meeting_id', 'recipient_key'])
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  return row && { meetingId: row.meeting_id, recipientKey: row.recipient_key };
}
