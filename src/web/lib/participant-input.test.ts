import { describe, expect, it } from 'vitest';
import {
  guessKind,
  hasSeparator,
  participantKey,
  roughKey,
  splitParticipants,
} from './participant-input.js';

describe('splitParticipants', () => {
  it('splits a pasted list on commas, semicolons and new lines', () => {
    expect(
      splitParticipants('ana@example.com, +34 600 000 000;bob\r\ncarla@example.org\n'),
    ).toEqual(['ana@example.com', '+34 600 000 000', 'bob', 'carla@example.org']);
  });

  it('drops empty pieces and surrounding spaces', () => {
    expect(splitParticipants(' ,; \n  ')).toEqual([]);
    expect(splitParticipants('  bob  ')).toEqual(['bob']);
  });

  it('keeps spaces inside a phone number', () => {
    expect(splitParticipants('+1 (415) 555-0100')).toEqual(['+1 (415) 555-0100']);
  });
});

describe('hasSeparator', () => {
  it('tells a list from a single entry', () => {
    expect(hasSeparator('a@b.c, d@e.f')).toBe(true);
    expect(hasSeparator('a@b.c\nd@e.f')).toBe(true);
    expect(hasSeparator('a@b.c')).toBe(false);
  });
});

describe('guessKind', () => {
  it('guesses email, phone or member from the shape of the text', () => {
    expect(guessKind('ana@example.com')).toBe('email');
    expect(guessKind('+34 600 11 22 33')).toBe('phone');
    expect(guessKind('(415) 555-0100')).toBe('phone');
    expect(guessKind('bob.smith')).toBe('member');
    expect(guessKind('1234')).toBe('member');
  });
});

describe('duplicate keys', () => {
  it('treats case and phone punctuation as the same entry', () => {
    expect(roughKey('Ana@Example.com ')).toBe(roughKey('ana@example.com'));
    expect(roughKey('+34 600-11-22-33')).toBe(roughKey('+34600112233'));
    expect(roughKey('bob')).not.toBe(roughKey('bob@example.com'));
  });

  it('keys normalized participants by kind and address', () => {
    expect(participantKey({ kind: 'email', address: 'ana@example.com' })).toBe(
      'email:ana@example.com',
    );
    expect(participantKey({ kind: 'member', address: 'ana' })).not.toBe(
      participantKey({ kind: 'email', address: 'ana' }),
    );
  });
});
