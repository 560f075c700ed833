import { describe, expect, it } from 'vitest';
import { centerSquare, exportSize } from './square-crop.js';

describe('centerSquare', () => {
  it('cuts the sides of a landscape picture', () => {
    expect(centerSquare(640, 480)).toEqual({ sx: 80, sy: 0, size: 480 });
  });

  it('cuts the top and bottom of a portrait picture', () => {
    expect(centerSquare(1080, 1920)).toEqual({ sx: 0, sy: 420, size: 1080 });
  });

  it('keeps a square picture whole and rounds odd margins down', () => {
    expect(centerSquare(300, 300)).toEqual({ sx: 0, sy: 0, size: 300 });
    expect(centerSquare(301, 300)).toEqual({ sx: 0, sy: 0, size: 300 });
  });

  it('is empty for an image without pixels', () => {
    expect(centerSquare(0, 480).size).toBe(0);
  });
});

describe('exportSize', () => {
  it('never upscales and caps large crops', () => {
    expect(exportSize({ sx: 0, sy: 0, size: 200 })).toBe(200);
    expect(exportSize({ sx: 0, sy: 0, size: 3000 })).toBe(512);
    expect(exportSize({ sx: 0, sy: 0, size: 0 })).toBe(1);
  });
});
