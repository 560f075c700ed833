import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MEDIA_PREFERENCES,
  loadMediaPreferences,
  mediaPreferencesKey,
  saveMediaPreferences,
  sendsVideo,
} from './media-preferences.js';

function memoryStore() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('media preferences', () => {
  it('round-trips the choices per meeting token', () => {
    const store = memoryStore();
    const chosen = {
      cameraOff: true,
      muted: true,
      audioOnly: false,
      cameraId: 'cam-2',
      microphoneId: 'mic-1',
      speakerId: null,
    };
    saveMediaPreferences('token-a', chosen, store);
    expect(loadMediaPreferences('token-a', store)).toEqual(chosen);
    expect(loadMediaPreferences('token-b', store)).toEqual(DEFAULT_MEDIA_PREFERENCES);
  });

  it('falls back to defaults for malformed or partial data', () => {
    const store = memoryStore();
    store.items.set(mediaPreferencesKey('t'), '{not json');
    expect(loadMediaPreferences('t', store)).toEqual(DEFAULT_MEDIA_PREFERENCES);
    store.items.set(mediaPreferencesKey('t'), JSON.stringify({ muted: 'yes', cameraId: 7 }));
    expect(loadMediaPreferences('t', store)).toEqual(DEFAULT_MEDIA_PREFERENCES);
    store.items.set(mediaPreferencesKey('t'), JSON.stringify({ audioOnly: true }));
    expect(loadMediaPreferences('t', store).audioOnly).toBe(true);
  });

  it('works without storage', () => {
    expect(loadMediaPreferences('t', null)).toEqual(DEFAULT_MEDIA_PREFERENCES);
    expect(() => saveMediaPreferences('t', DEFAULT_MEDIA_PREFERENCES, null)).not.toThrow();
  });

  it('sends video only with the camera on and not audio-only', () => {
    expect(sendsVideo(DEFAULT_MEDIA_PREFERENCES)).toBe(true);
    expect(sendsVideo({ ...DEFAULT_MEDIA_PREFERENCES, cameraOff: true })).toBe(false);
    expect(sendsVideo({ ...DEFAULT_MEDIA_PREFERENCES, audioOnly: true })).toBe(false);
  });
});
