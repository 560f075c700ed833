/**
 * What the guest chose in the lobby (camera, microphone, speaker, how to join), kept per meeting
 * in sessionStorage for the room: it lasts while the tab is open and never leaves the browser.
 */
export interface MediaPreferences {
  cameraOff: boolean;
  muted: boolean;
  /** No video sent and none received. */
  audioOnly: boolean;
  cameraId: string | null;
  microphoneId: string | null;
  /** Only where HTMLMediaElement.setSinkId exists. */
  speakerId: string | null;
}

export const DEFAULT_MEDIA_PREFERENCES: Readonly<MediaPreferences> = Object.freeze({
  cameraOff: false,
  muted: false,
  audioOnly: false,
  cameraId: null,
  microphoneId: null,
  speakerId: null,
});

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

export function mediaPreferencesKey(token: string): string {
  return `tertulia.media.${token}`;
}

function sessionStore(): KeyValueStore | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage blocked (privacy settings): choices last until the page closes
  }
}

/** The saved choices, with defaults for anything missing or malformed. */
export function loadMediaPreferences(
  token: string,
  store: KeyValueStore | null = sessionStore(),
): MediaPreferences {
  let saved: unknown;
  try {
    saved = JSON.parse(store?.getItem(mediaPreferencesKey(token)) ?? 'null');
  } catch {
    saved = null;
  }
  const value = (saved ?? {}) as Record<string, unknown>;
  const flag = (key: 'cameraOff' | 'muted' | 'audioOnly') =>
    typeof value[key] === 'boolean' ? value[key] : DEFAULT_MEDIA_PREFERENCES[key];
  const deviceId = (key: 'cameraId' | 'microphoneId' | 'speakerId') =>
    typeof value[key] === 'string' && value[key] ? value[key] : null;
  return {
    cameraOff: flag('cameraOff'),
    muted: flag('muted'),
    audioOnly: flag('audioOnly'),
    cameraId: deviceId('cameraId'),
    microphoneId: deviceId('microphoneId'),
    speakerId: deviceId('speakerId'),
  };
}

export function saveMediaPreferences(
  token: string,
  preferences: MediaPreferences,
  store: KeyValueStore | null = sessionStore(),
): void {
  try {
    store?.setItem(mediaPreferencesKey(token), JSON.stringify(preferences));
  } catch {
    // Quota or privacy mode: the room falls back to the defaults.
  }
}

/** Whether video is captured and sent: not with the camera off, not in audio-only mode. */
export function sendsVideo(preferences: MediaPreferences): boolean {
  return !preferences.cameraOff && !preferences.audioOnly;
}
