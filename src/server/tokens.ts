/**
 * Random secrets and their storage form, from the CSPRNG: 256 bits unless the caller asks for
 * fewer (join tokens carry 128, short enough for a link and still beyond guessing).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const TOKEN_BYTES = 32;

export function newToken(bytes = TOKEN_BYTES): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens that grant access are stored as their SHA-256; looking up by hash is constant-time enough. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newId(): string {
  return randomUUID();
}
