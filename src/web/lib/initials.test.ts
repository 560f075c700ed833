import { describe, expect, it } from 'vitest';
import { AVATAR_COLOR_COUNT, colorIndexOf, initialsOf } from './initials.js';

describe('initialsOf', () => {
  it('takes the first letters of the first and last words', () => {
    expect(initialsOf('Ana María López')).toBe('AL');
    expect(initialsOf('bob')).toBe('B');
    expect(initialsOf('  élodie   durand ')).toBe('ÉD');
  });

  it('shows a question mark for an empty name', () => {
    expect(initialsOf('   ')).toBe('?');
  });

  it('keeps a character outside the basic plane whole', () => {
    expect(initialsOf('😀 Smile')).toBe('😀S');
  });
});

describe('colorIndexOf', () => {
  it('gives the same color to the same name, whatever the case', () => {
    expect(colorIndexOf('Ana López')).toBe(colorIndexOf('ana lópez '));
  });

  it('stays within the palette', () => {
    for (const name of ['', 'a', 'Zoë', 'A very long display name indeed']) {
      const index = colorIndexOf(name);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(AVATAR_COLOR_COUNT);
    }
  });
});
