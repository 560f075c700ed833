/**
 * The short two-note chime hosts hear when a guest starts waiting. Synthesized (no audio file to
 * ship): 120 ms at 660 Hz then 880 Hz, quiet. Silent where the page may not play sound yet.
 */
let context: AudioContext | null = null;

export function playKnock(): void {
  try {
    context ??= new AudioContext();
    const start = context.currentTime;
    for (const [index, frequency] of [660, 880].entries()) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.value = 0.08;
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + index * 0.14);
      oscillator.stop(start + index * 0.14 + 0.12);
    }
  } catch {
    // No Web Audio (or refused): the visible notice is still there.
  }
}
