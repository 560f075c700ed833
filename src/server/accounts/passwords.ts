/** Member passwords: argon2id with the library's OWASP-aligned defaults (19 MiB, t=2, p=1). */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** 18 random bytes: 24 base64url characters (144 bits), easy to copy, never guessed. */
const GENERATED_PASSWORD_BYTES = 18;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A new random password for an admin to hand over (reset, import). */
export function generatePassword(): string {
  return randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the email is unknown, so a login takes the same time either way.
let decoyHash: Promise<string> | undefined;
export function decoy(): Promise<string> {
  decoyHash ??= hash('decoy password that matches nothing');
  return decoyHash;
}
