/**
 * Loudness of a microphone frame for a level meter: the RMS of AnalyserNode time-domain bytes
 * (silence is 128), in [0, 1]. Speech sits around 0.05–0.3 RMS, so a square root spreads it over
 * the meter instead of leaving it in the bottom fifth.
 */
export function levelOf(samples: Uint8Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) {
    const centered = (sample - 128) / 128;
    sum += centered * centered;
  }
  return Math.min(1, Math.sqrt(Math.sqrt(sum / samples.length)));
}
