/**
 * Which of a camera's simulcast layers are worth encoding. Every thumbnail takes the low layer;
 * the full one serves only viewers who show that camera large, so a browser nobody shows large
 * pauses it: about three quarters of its encoding work and of its upload. The half layer stays
 * on: it is Janus's fallback when the full one does not get through, and a viewer who clicks
 * that camera gets a larger picture without waiting for two paused encoders
 * (docs/decisions/001-janus-pause-unwatched-full-layer.md).
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
