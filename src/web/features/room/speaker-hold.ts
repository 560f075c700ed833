/**
 * "Follow the speaker": whom the main area follows as people speak. A new speaker takes over
 * only once the current one has been shown SPEAKER_HOLD_MS, so a cough or a short "yes" does
 * not flick the main video back and forth; while nobody speaks, the last speaker stays.
 */
export const SPEAKER_HOLD_MS = 1200;

export interface SpeakerChoice {
  speakerId: string | null;
  /** When the current speaker became main (ms). */
  since: number;
}

/** `speaking`: who speaks now, loudest first, without the viewer (never their own main). */
export function followSpeaker(
  current: SpeakerChoice,
  speaking: readonly string[],
  now: number,
  holdMs: number = SPEAKER_HOLD_MS,
): SpeakerChoice {
  const loudest = speaking[0];
  if (!loudest || loudest === current.speakerId) return current;
  if (current.speakerId && speaking.includes(current.speakerId)) return current;
  if (current.speakerId && now - current.since < holdMs) return current;
  return { speakerId: loudest, since: now };
}
