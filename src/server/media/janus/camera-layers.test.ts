import { describe, expect, it } from 'vitest';
import { ALL_LAYERS, cameraLayersFor, WITHOUT_FULL } from './camera-layers.js';

/** Whom each participant shows large: Ana and Cai show Ben, Ben shows Ana, nobody shows Cai. */
const mains: [string, string | null][] = [
  ['ana', 'ben'],
  ['ben', 'ana'],
  ['cai', 'ben'],
];

describe('cameraLayersFor', () => {
  it('sends every layer when someone shows the camera large', () => {
    expect(cameraLayersFor('ben', mains)).toEqual(ALL_LAYERS);
    expect(cameraLayersFor('ana', mains)).toEqual(ALL_LAYERS);
  });

  it('pauses the full layer when nobody shows the camera large', () => {
    expect(cameraLayersFor('cai', mains)).toEqual(WITHOUT_FULL);
  });

  it('ignores a participant who shows themselves or nobody', () => {
    const own: [string, string | null][] = [
      ['ana', 'ana'],
      ['ben', null],
    ];
    expect(cameraLayersFor('ana', own)).toEqual(WITHOUT_FULL);
  });

  it('pauses the full layer of someone alone in the room', () => {
    expect(cameraLayersFor('ana', [['ana', null]])).toEqual(WITHOUT_FULL);
  });
});
