/**
 * Meeting passwords: digits only (the manual: guests must be able to type them anywhere),
 * set only by admins, generated from the CSPRNG by default.
 */
import { randomInt } from 'node:crypto';
import type { UserRow } from '../accounts/members.js';
import { AppError } from '../errors.js';

export interface PasswordChoice {
  passwordProtected?: boolean | undefined;
  password?: string | undefined;
}

export function generateMeetingPassword(length: number): string {
  let digits = '';
  for (let i = 0; i < length; i += 1) digits += String(randomInt(10));
  return digits;
}

/**
 * The password a create or update asks for: a string, null (none), or undefined (unchanged).
 * Only admins may ask for anything here; members' meetings are always without a password.
 */
export function choosePassword(
  viewer: UserRow,
  choice: PasswordChoice,
  generatedLength: number,
): string | null | undefined {
  if (choice.passwordProtected === undefined && choice.password === undefined) return undefined;
  if (viewer.role !== 'admin') throw new AppError('ADMIN_ONLY');
  if (choice.password !== undefined) return choice.password;
  return choice.passwordProtected ? generateMeetingPassword(generatedLength) : null;
}
