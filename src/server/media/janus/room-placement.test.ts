import { describe, expect, it } from 'vitest';
import { pickInstance } from './room-placement.js';

const instance = (url: string, rooms: number, up = true) => ({ url, rooms, up });

describe('pickInstance', () => {
  it('places a room on the instance holding the fewest rooms', () => {
    const picked = pickInstance([
      instance('ws://a', 7),
      instance('ws://b', 2),
      instance('ws://c', 4),
    ]);
    expect(picked?.url).toBe('ws://b');
  });

  it('prefers the instance listed first on a tie', () => {
    expect(pickInstance([instance('ws://a', 3), instance('ws://b', 3)])?.url).toBe('ws://a');
  });

  it('skips instances that are down, however idle', () => {
    const picked = pickInstance([instance('ws://a', 0, false), instance('ws://b', 9)]);
    expect(picked?.url).toBe('ws://b');
  });

  it('gives nothing when every instance is down', () => {
    expect(pickInstance([instance('ws://a', 0, false)])).toBeUndefined();
  });
});
