import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { es } from './es.js';
import { translator, type TextKey, type Texts } from './translate.js';

const t = translator('en', en);
const tEs = translator('es', es);

describe('translator', () => {
  it('finds a text by its dotted key', () => {
    expect(t('lobby.join')).toBe(en.lobby.join);
    expect(tEs('lobby.join')).toBe(es.lobby.join);
  });

  it('fills in every placeholder, values as given (no HTML escaping: React does that)', () => {
    expect(t('lobby.organizer', { name: 'Ana <b>' })).toBe('Organized by Ana <b>');
    expect(t('audit.pageStatus', { page: 2, count: 5 })).toBe('Page 2: 5 entries.');
  });

  it("picks the plural form by count, by the language's rules", () => {
    expect(t('room.participants', { count: 1 })).toBe('1 participant');
    expect(t('room.participants', { count: 0 })).toBe('0 participants');
    expect(t('room.participants', { count: 3 })).toBe('3 participants');
    expect(tEs('room.participants', { count: 1 })).toBe('1 participante');
    expect(tEs('room.participants', { count: 2 })).toBe('2 participantes');
  });

  it('falls back to the _other form when a language lacks the picked one', () => {
    const texts = { room: { participants_other: '{{count}} people' } } as unknown as Texts;
    // Polish has "few" and "many"; these texts have neither.
    expect(translator('pl', texts)('room.participants', { count: 3 })).toBe('3 people');
  });

  it('answers defaultValue for a key made at run time that has no text', () => {
    expect(t('errors.NO_SUCH_CODE', { defaultValue: 'From the server' })).toBe('From the server');
    expect(t('errors.NOT_FOUND', { defaultValue: 'From the server' })).toBe(en.errors.NOT_FOUND);
  });

  it('shows a missing key as itself, and a placeholder without a value as itself', () => {
    const missing = 'lobby.gone' as TextKey;
    expect(t(missing)).toBe('lobby.gone');
    expect(t('lobby.organizer', {})).toBe('Organized by {{name}}');
  });

  it('reads a key that ends like a plural form as the text it names', () => {
    expect(t('media.problem_other')).toBe(en.media.problem_other);
  });
});
