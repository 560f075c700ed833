/** Camera and microphone access for the lobby and the room: getUserMedia, devices, errors. */

export type MediaProblem = 'denied' | 'notFound' | 'inUse' | 'unsupported' | 'other';

/** What went wrong, from a getUserMedia rejection's DOMException name. */
export function mediaProblemOf(error: unknown): MediaProblem {
  const name = (error as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'notFound';
    case 'NotReadableError':
    case 'AbortError':
      return 'inUse';
    case 'TypeError':
      return 'unsupported';
    default:
      return 'other';
  }
}

export type DeviceKind = 'videoinput' | 'audioinput' | 'audiooutput';

export interface DeviceOption {
  id: string;
  label: string;
}

/**
 * The devices of one kind, for a picker. Labels are empty until the person allows access; then
 * `fallbackLabel(n)` ("Camera 2") names them. The "default" and "communications" aliases that
 * Chrome lists for audio are dropped: they repeat a real device.
 */
export function devicesOfKind(
  devices: readonly Pick<MediaDeviceInfo, 'deviceId' | 'kind' | 'label'>[],
  kind: DeviceKind,
  fallbackLabel: (position: number) => string,
): DeviceOption[] {
  return devices
    .filter((device) => device.kind === kind && device.deviceId)
    .filter((device) => device.deviceId !== 'default' && device.deviceId !== 'communications')
    .map((device, index) => ({
      id: device.deviceId,
      label: device.label || fallbackLabel(index + 1),
    }));
}

export interface CaptureWish {
  video: boolean;
  cameraId: string | null;
  microphoneId: string | null;
}

/** `ideal` rather than `exact`: a remembered device that is gone falls back to another one. */
export function captureConstraints(wish: CaptureWish): MediaStreamConstraints {
  return {
    audio: wish.microphoneId ? { deviceId: { ideal: wish.microphoneId } } : true,
    video: wish.video
      ? {
          ...(wish.cameraId ? { deviceId: { ideal: wish.cameraId } } : {}),
          width: { ideal: 1280 },
          height: { ideal: 720 },
        }
      : false,
  };
}

export interface Capture {
  stream: MediaStream | null;
  /** Why the camera (or everything) could not be used; null when all that was asked works. */
  problem: MediaProblem | null;
  /** Whether the problem is the camera alone (the microphone works). */
  cameraOnly: boolean;
}

/**
 * Opens the microphone, and the camera when wished. When both fail together, the microphone is
 * tried alone: a missing or busy camera should not cost the guest their voice.
 */
export async function openCapture(wish: CaptureWish): Promise<Capture> {
  const media = globalThis.navigator?.mediaDevices;
  if (!media?.getUserMedia) return { stream: null, problem: 'unsupported', cameraOnly: false };
  try {
    return {
      stream: await media.getUserMedia(captureConstraints(wish)),
      problem: null,
      cameraOnly: false,
    };
  } catch (error) {
    const problem = mediaProblemOf(error);
    if (!wish.video || problem === 'denied') return { stream: null, problem, cameraOnly: false };
    try {
      const stream = await media.getUserMedia(captureConstraints({ ...wish, video: false }));
      return { stream, problem, cameraOnly: true };
    } catch {
      return { stream: null, problem, cameraOnly: false };
    }
  }
}

export function stopStream(stream: MediaStream | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

export async function listDevices(): Promise<MediaDeviceInfo[]> {
  try {
    return (await globalThis.navigator?.mediaDevices?.enumerateDevices?.()) ?? [];
  } catch {
    return [];
  }
}

/** Whether this browser can choose where sound plays (HTMLMediaElement.setSinkId). */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}
