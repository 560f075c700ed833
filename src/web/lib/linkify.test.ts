import { describe, expect, it } from 'vitest';
import { linkify } from './linkify.js';

describe('linkify', () => {
  it('leaves plain text alone', () => {
    expect(linkify('hola a todos')).toEqual([{ kind: 'text', text: 'hola a todos' }]);
  });

  it('finds http, https and www links inside text', () => {
    expect(linkify('see https://example.org/a?b=1 and www.tertulia.dev now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'www.tertulia.dev', href: 'https://www.tertulia.dev' },
      { kind: 'text', text: ' now' },
    ]);
  });

  it('keeps sentence punctuation out of the link', () => {
    expect(linkify('go to http://x.org.')).toEqual([
      { kind: 'text', text: 'go to ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never turns script or data URLs into links', () => {
    expect(linkify('javascript:alert(1) data:text/html,<b>x</b>')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) data:text/html,<b>x</b>' },
    ]);
  });
});
