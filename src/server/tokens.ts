/** Random secrets and their storage form. Every token carries 256 bits from the CSPRNG. */
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
