import { describe, expect, it } from 'vitest';
import { GUEST_NAME_MAX, guestNameProblem, nameFromQuery } from './guest-name.js';

describe('nameFromQuery', () => {
  it('decodes ?username= the way URLSearchParams does', () => {
    expect(nameFromQuery('?username=Bob%20Smith')).toBe('Bob Smith');
    expect(nameFromQuery('?username=Ana+Mar%C3%ADa')).toBe('Ana María');
    expect(nameFromQuery('?lang=es&username=%E7%8E%8B%E5%B0%8F%E6%98%8E')).toBe('王小明');
  });

  it('gives an empty name when the parameter is missing or blank', () => {
    expect(nameFromQuery('')).toBe('');
    expect(nameFromQuery('?username=%20%20')).toBe('');
  });

  it('keeps markup as plain text for React to escape', () => {
    expect(nameFromQuery('?username=%3Cb%3EBob%3C%2Fb%3E')).toBe('<b>Bob</b>');
  });

  it('drops control and direction-override characters', () => {
    expect(nameFromQuery('?username=Bob%0A%E2%80%AEx')).toBe('Bobx');
  });

  it('cuts a too-long name to the limit in code points instead of rejecting it', () => {
    const long = '😀'.repeat(GUEST_NAME_MAX + 10);
    const name = nameFromQuery(`?username=${encodeURIComponent(long)}`);
    expect(Array.from(name)).toHaveLength(GUEST_NAME_MAX);
  });

  it('trims a space left at the cut', () => {
    const name = nameFromQuery(`?username=${'a'.repeat(GUEST_NAME_MAX - 1)}%20bcd`);
    expect(name).toBe('a'.repeat(GUEST_NAME_MAX - 1));
  });
});

describe('guestNameProblem', () => {
  it('flags an empty or blank name', () => {
    expect(guestNameProblem('')).toBe('empty');
    expect(guestNameProblem(' \t ')).toBe('empty');
  });

  it('counts code points, so 64 emoji are allowed and 65 are not', () => {
    expect(guestNameProblem('😀'.repeat(GUEST_NAME_MAX))).toBeNull();
    expect(guestNameProblem('😀'.repeat(GUEST_NAME_MAX + 1))).toBe('tooLong');
  });

  it('accepts any script', () => {
    expect(guestNameProblem('محمد')).toBeNull();
    expect(guestNameProblem('Ελένη')).toBeNull();
  });
});
