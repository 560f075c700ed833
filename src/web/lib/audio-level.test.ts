import { describe, expect, it } from 'vitest';
import { levelOf } from './audio-level.js';

describe('levelOf', () => {
  it('is zero for silence and for no samples', () => {
    expect(levelOf(new Uint8Array(256).fill(128))).toBe(0);
    expect(levelOf(new Uint8Array(0))).toBe(0);
  });

  it('is one for a full-scale square wave', () => {
    const samples = Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 0 : 255));
    expect(levelOf(samples)).toBeCloseTo(1, 2);
  });

  it('grows with loudness and stays within [0, 1]', () => {
    const quiet = Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 120 : 136));
    const loud = Uint8Array.from({ length: 256 }, (_, i) => (i % 2 ? 60 : 196));
    expect(levelOf(quiet)).toBeGreaterThan(0);
    expect(levelOf(loud)).toBeGreaterThan(levelOf(quiet));
    expect(levelOf(loud)).toBeLessThanOrEqual(1);
  });
});
