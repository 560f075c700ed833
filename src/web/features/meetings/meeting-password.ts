/** The admin-only meeting password: form values, checks and the request fields. No React here. */
import type { CreateMeetingBody, Meeting, UpdateMeetingBody } from '../../../shared/api.js';

// Mirrors MEETING_PASSWORD_MIN/MAX in src/shared/api.ts; importing values would bring zod along.
export const PASSWORD_MIN = 6;
export const PASSWORD_MAX = 12;

export interface PasswordValues {
  /** "Protect with a password" is checked. */
  protected: boolean;
  /** Digits typed for a new password; empty lets the server generate one (or keeps the current). */
  password: string;
  /** On edit: a newly generated password was asked for (ignored once digits are typed). */
  regenerate: boolean;
}

type PasswordFields = Pick<CreateMeetingBody & UpdateMeetingBody, 'passwordProtected' | 'password'>;

export const noPassword: PasswordValues = { protected: false, password: '', regenerate: false };

/** The form starts from the saved state: checked when protected, nothing typed. */
export function passwordValues(
  saved: Pick<Meeting, 'passwordProtected'> | undefined,
): PasswordValues {
  return { ...noPassword, protected: saved?.passwordProtected ?? false };
}

/** Keeps only digits (spaces and dashes from a pasted "123 456" go), at most PASSWORD_MAX. */
export function passwordDigits(typed: string): string {
  return typed.replace(/\D/g, '').slice(0, PASSWORD_MAX);
}

/** Typed digits must be PASSWORD_MIN to PASSWORD_MAX long; an empty field is always fine. */
export function passwordProblem(values: PasswordValues): 'length' | null {
  if (!values.protected || values.password === '') return null;
  const length = values.password.length;
  return /^\d+$/.test(values.password) && length >= PASSWORD_MIN && length <= PASSWORD_MAX
    ? null
    : 'length';
}

/** For a new meeting (scheduled or quick): nothing at all unless it is protected. */
export function passwordCreateFields(values: PasswordValues): PasswordFields {
  if (!values.protected) return {};
  return values.password
    ? { passwordProtected: true, password: values.password }
    : { passwordProtected: true };
}

/**
 * Only what changed, since every change re-sends the invitations: unchecking removes the
 * password, typed digits replace it, and checking it (or asking for a new one) without digits
 * has the server generate one.
 */
export function passwordChanges(wasProtected: boolean, values: PasswordValues): PasswordFields {
  if (!values.protected) return wasProtected ? { passwordProtected: false } : {};
  if (values.password) return { passwordProtected: true, password: values.password };
  return !wasProtected || values.regenerate ? { passwordProtected: true } : {};
}
