/**
 * Which of a camera's simulcast layers are worth encoding. Every thumbnail takes the low layer;
 * the full one serves only viewers who show that camera large, so a browser nobody shows large
 * pauses it: about three quarters of its encoding work and of its upload (in a room of eight,
 * usually six cameras of eight). The half layer stays on: it is Janus's fallback when the full
 * one does not get through, and a viewer who clicks that camera gets a larger picture without
 * waiting for two paused encoders. Measured on the e2e machine: 182-219 ms to a sharper video
 * from a paused camera, 191-250 ms from one not paused. Pausing the half layer too made the
 * first 1.4 s instead of 1.2-1.3 s, in a try made before pages released the streams of removed
 * video elements (their held camera frames slowed every encoder start then).
 */
import type { CameraLayer } from '../../../shared/signaling.js';

export const ALL_LAYERS: readonly CameraLayer[] = ['h', 'm', 'l'];
export const WITHOUT_FULL: readonly CameraLayer[] = ['m', 'l'];

/**
 * The layers `publisher` should send, given whom each participant shows large
 * (`mains`: participant -> main, null for nobody).
 */
export function cameraLayersFor(
  publisher: string,
  mains: Iterable<[viewer: string, main: string | null]>,
): readonly CameraLayer[] {
  for (const [viewer, main] of mains) {
    if (viewer !== publisher && main === publisher) return ALL_LAYERS;
  }
  return WITHOUT_FULL;
}
