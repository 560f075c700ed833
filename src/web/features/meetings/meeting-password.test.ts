import { describe, expect, it } from 'vitest';
import {
  noPassword,
  passwordChanges,
  passwordCreateFields,
  passwordDigits,
  passwordProblem,
  type PasswordValues,
} from './meeting-password.js';

function values(overrides: Partial<PasswordValues> = {}): PasswordValues {
  return { ...noPassword, protected: true, ...overrides };
}

describe('passwordDigits', () => {
  it('keeps only the digits of a pasted password with spaces and dashes', () => {
    expect(passwordDigits(' 123-456 78 ')).toBe('12345678');
  });

  it('drops letters and non-ASCII digits', () => {
    expect(passwordDigits('12a3４5')).toBe('1235');
  });

  it('stops at 12 digits', () => {
    expect(passwordDigits('1234567890123456')).toBe('123456789012');
  });
});

describe('passwordProblem', () => {
  it('accepts an empty field, which lets the server generate the password', () => {
    expect(passwordProblem(values({ password: '' }))).toBeNull();
  });

  it('accepts 6 and 12 digits', () => {
    expect(passwordProblem(values({ password: '123456' }))).toBeNull();
    expect(passwordProblem(values({ password: '123456789012' }))).toBeNull();
  });

  it('rejects 5 or 13 digits, and anything but digits', () => {
    expect(passwordProblem(values({ password: '12345' }))).toBe('length');
    expect(passwordProblem(values({ password: '1234567890123' }))).toBe('length');
    expect(passwordProblem(values({ password: '12345a' }))).toBe('length');
  });

  it('ignores typed digits once the box is unchecked', () => {
    expect(passwordProblem(values({ protected: false, password: '12' }))).toBeNull();
  });
});

describe('passwordCreateFields', () => {
  it('sends no password fields for an unprotected meeting', () => {
    expect(passwordCreateFields(noPassword)).toEqual({});
    expect(passwordCreateFields(values({ protected: false, password: '123456' }))).toEqual({});
  });

  it('asks the server to generate a password when none is typed', () => {
    expect(passwordCreateFields(values())).toEqual({ passwordProtected: true });
  });

  it('sends the typed password', () => {
    expect(passwordCreateFields(values({ password: '20250611' }))).toEqual({
      passwordProtected: true,
      password: '20250611',
    });
  });
});

describe('passwordChanges', () => {
  it('sends nothing when protection did not change and nothing was typed', () => {
    expect(passwordChanges(true, values())).toEqual({});
    expect(passwordChanges(false, noPassword)).toEqual({});
  });

  it('removes the password when the box is unchecked', () => {
    expect(passwordChanges(true, values({ protected: false, password: '123456' }))).toEqual({
      passwordProtected: false,
    });
  });

  it('generates a password when protection is turned on without digits', () => {
    expect(passwordChanges(false, values())).toEqual({ passwordProtected: true });
  });

  it('generates a new password when asked to', () => {
    expect(passwordChanges(true, values({ regenerate: true }))).toEqual({
      passwordProtected: true,
    });
  });

  it('sends typed digits, which win over a request to generate one', () => {
    expect(passwordChanges(true, values({ password: '654321', regenerate: true }))).toEqual({
      passwordProtected: true,
      password: '654321',
    });
    expect(passwordChanges(false, values({ password: '654321' }))).toEqual({
      passwordProtected: true,
      password: '654321',
    });
  });
});
