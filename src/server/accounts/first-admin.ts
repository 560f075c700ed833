/**
 * On first start with no members, creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD,
 * or generates a password and returns it so start-up can print it once.
 */
import { randomBytes } from 'node:crypto';
import type { MembersService } from './members.js';

export interface FirstAdmin {
  email: string;
  /** Present only when the password was generated here and must be shown once. */
  generatedPassword: string | undefined;
}

export async function ensureFirstAdmin(
  members: MembersService,
  admin: { email: string | undefined; password: string | undefined },
): Promise<FirstAdmin | undefined> {
  if ((await members.count()) > 0) return undefined;
  const email = (admin.email ?? 'admin@example.com').toLowerCase();
  const generatedPassword = admin.password ? undefined : randomBytes(12).toString('base64url');
  await members.create({
    email,
    username: 'admin',
    displayName: 'Administrator',
    role: 'admin',
    password: admin.password ?? (generatedPassword as string),
  });
  return { email, generatedPassword };
}
