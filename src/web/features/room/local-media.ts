/**
 * This participant's own tracks in the room: microphone, camera and shared screen. The camera is
 * really stopped when turned off (its light goes out) and reopened when turned back on; the
 * microphone is muted by disabling its track, which keeps the permission and the device.
 */
import {
  openCapture,
  mediaProblemOf,
  stopStream,
  type MediaProblem,
} from '../../lib/media-devices.js';
import { takeHandedOffStream } from '../../lib/media-handoff.js';
import { sendsVideo, type MediaPreferences } from '../../lib/media-preferences.js';

export class LocalMedia {
  audio: MediaStreamTrack | null = null;
  camera: MediaStreamTrack | null = null;
  screen: MediaStreamTrack | null = null;
  problem: MediaProblem | null = null;

  constructor(private preferences: MediaPreferences) {}

  /** Takes the lobby's stream when there is one, otherwise asks the browser. */
  async open(token: string): Promise<void> {
    const wantsVideo = sendsVideo(this.preferences);
    let stream = takeHandedOffStream(token);
    if (stream && wantsVideo !== stream.getVideoTracks().length > 0) {
      stopStream(stream);
      stream = null;
    }
    if (!stream) {
      const capture = await openCapture({
        video: wantsVideo,
        cameraId: this.preferences.cameraId,
        microphoneId: this.preferences.microphoneId,
      });
      stream = capture.stream;
      this.problem = capture.problem;
    }
    this.audio = stream?.getAudioTracks()[0] ?? null;
    this.camera = stream?.getVideoTracks()[0] ?? null;
    if (this.audio) this.audio.enabled = !this.preferences.muted;
  }

  get micOn(): boolean {
    return this.audio?.enabled === true;
  }

  setMic(on: boolean): void {
    if (this.audio) this.audio.enabled = on;
  }

  /** Turns the camera on (opening it again) or off (stopping it); the new track, or null. */
  async setCamera(on: boolean): Promise<MediaStreamTrack | null> {
    if (!on) {
      this.camera?.stop();
      this.camera = null;
      return null;
    }
    if (this.camera) return this.camera;
    this.camera = await this.openCamera(this.preferences.cameraId);
    return this.camera;
  }

  /** Another camera while the camera is on; the new track (the old one is stopped). */
  async switchCamera(cameraId: string | null): Promise<MediaStreamTrack | null> {
    this.preferences = { ...this.preferences, cameraId };
    if (!this.camera) return null;
    const next = await this.openCamera(cameraId);
    this.camera.stop();
    this.camera = next;
    return next;
  }

  async switchMicrophone(microphoneId: string | null): Promise<MediaStreamTrack | null> {
    this.preferences = { ...this.preferences, microphoneId };
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: microphoneId ? { deviceId: { ideal: microphoneId } } : true,
    });
    const next = stream.getAudioTracks()[0] ?? null;
    if (next) next.enabled = this.micOn;
    this.audio?.stop();
    this.audio = next;
    return next;
  }

  /** Asks which screen or window to share; null when the person cancels. */
  async startScreen(onEnded: () => void): Promise<MediaStreamTrack | null> {
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const track = stream.getVideoTracks()[0] ?? null;
      // The browser's own "Stop sharing" button ends the track without asking us.
      track?.addEventListener('ended', onEnded);
      this.screen = track;
      return track;
    } catch (error) {
      if (mediaProblemOf(error) === 'denied') return null;
      throw error;
    }
  }

  stopScreen(): void {
    this.screen?.stop();
    this.screen = null;
  }

  stopAll(): void {
    for (const track of [this.audio, this.camera, this.screen]) track?.stop();
    this.audio = this.camera = this.screen = null;
  }

  private async openCamera(cameraId: string | null): Promise<MediaStreamTrack | null> {
    const stream = await navigator.mediaDevices.getUserMedia({
      video: {
        ...(cameraId ? { deviceId: { ideal: cameraId } } : {}),
        width: { ideal: 1280 },
        height: { ideal: 720 },
      },
    });
    return stream.getVideoTracks()[0] ?? null;
  }
}

/** Screen sharing exists on desktop browsers only; phones lack getDisplayMedia altogether. */
export function canShareScreen(): boolean {
  return typeof globalThis.navigator?.mediaDevices?.getDisplayMedia === 'function';
}
