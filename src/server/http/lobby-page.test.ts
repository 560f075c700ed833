import { describe, expect, it } from 'vitest';
import { languageOf, scriptSafeJson } from './lobby-page.js';

describe('languageOf', () => {
  it.each([
    ['es-ES,es;q=0.9,en;q=0.8', 'es'],
    ['fr-FR,fr;q=0.9,es;q=0.5', 'es'],
    ['en-GB', 'en'],
    ['de', 'en'],
    [undefined, 'en'],
  ])('%s -> %s', (header, language) => {
    expect(languageOf(header)).toBe(language);
  });
});

describe('scriptSafeJson', () => {
  it('has no < left, and parses back to the same value', () => {
    const value = { name: '</script><!-- <b>' };
    const json = scriptSafeJson(value);
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual(value);
  });
});
