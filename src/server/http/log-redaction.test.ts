import { describe, expect, it } from 'vitest';
import { redactUrl } from './log-redaction.js';

describe('redactUrl', () => {
  it.each([
    ['/m/ysiEnXRvy-Ct6DggtaZnEA', '/m/[token]'],
    ['/api/join/ysiEnXRvy-Ct6DggtaZnEA', '/api/join/[token]'],
    ['/api/join/ysiEnXRvy-Ct6DggtaZnEA/me?x=1', '/api/join/[token]/me?x=1'],
    ['/api/rooms/ysiEnXRvy-Ct6DggtaZnEA/ws', '/api/rooms/[token]/ws'],
    ['/api/meetings/3f1e?scope=past', '/api/meetings/3f1e?scope=past'],
    ['/api/joinx/abc', '/api/joinx/abc'],
  ])('shows %s as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});
