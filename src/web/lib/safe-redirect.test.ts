import { describe, expect, it } from 'vitest';
import { safeNextPath } from './safe-redirect.js';

describe('safeNextPath', () => {
  it('returns to a path of this site', () => {
    expect(safeNextPath('/meetings/abc?x=1')).toBe('/meetings/abc?x=1');
  });

  it('refuses other sites and protocol-relative tricks', () => {
    expect(safeNextPath('https://evil.example')).toBe('/meetings');
    expect(safeNextPath('//evil.example/path')).toBe('/meetings');
    expect(safeNextPath('/\\evil.example')).toBe('/meetings');
    expect(safeNextPath('javascript:alert(1)')).toBe('/meetings');
  });

  it('falls back when there is nothing or the login page itself', () => {
    expect(safeNextPath(null)).toBe('/meetings');
    expect(safeNextPath('/login?next=/x')).toBe('/meetings');
  });
});
