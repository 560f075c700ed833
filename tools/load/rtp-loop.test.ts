import { performance } from 'node:perf_hooks';
import type { RtpPacket } from 'werift';
import { describe, expect, it } from 'vitest';
import type { Clip } from './media-clip.js';
import { RtpLoop } from './rtp-loop.js';

/** Six frames at 30 a second (3000 ticks of 90 kHz apart), key frames at 0 and 3. */
const clip: Clip = {
  frames: [0, 1, 2, 3, 4, 5].map((i) => ({
    rtpTime: i * 3000,
    data: Buffer.from([i]),
    keyframe: i % 3 === 0,
  })),
  rtpLength: 18_000,
  clockRate: 90_000,
  width: 320,
  height: 180,
};

/** A loop off the shared clock, pumped by hand at ms after its start; what it sent. */
function handPumped() {
  const sent: { frame: number; timestamp: number }[] = [];
  const loop = new RtpLoop(
    clip,
    (data, timestamp) => {
      sent.push({ frame: data[0]!, timestamp });
      return [{ payload: data } as unknown as RtpPacket];
    },
    () => {},
  );
  loop.start();
  const startedAt = performance.now();
  loop.stop();
  return { loop, sent, at: (ms: number) => loop.pump(startedAt + ms) };
}

describe('RtpLoop', () => {
  it('sends each frame when its time comes, timestamps rising across loops', () => {
    const { sent, at } = handPumped();
    at(250);
    expect(sent.map((s) => s.frame)).toEqual([0, 1, 2, 3, 4, 5, 0, 1]);
    const base = sent[0]!.timestamp;
    expect(sent.map((s) => s.timestamp - base)).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((i) => i * 3000),
    );
  });

  it('answers a key frame request with the next key frame at once, its timestamp following on', () => {
    const { loop, sent, at } = handPumped();
    at(5);
    loop.requestKeyframe();
    // Frame 1 was due at 33 ms: key frame 3 goes in its place, then 4 and 5 in 1 and 2's.
    at(40);
    expect(sent.map((s) => s.frame)).toEqual([0, 3]);
    at(100);
    expect(sent.map((s) => s.frame)).toEqual([0, 3, 4, 5]);
    const base = sent[0]!.timestamp;
    expect(sent.map((s) => s.timestamp - base)).toEqual([0, 3000, 6000, 9000]);
  });

  it('skips ahead across the end of the clip when no key frame is left before it', () => {
    const { loop, sent, at } = handPumped();
    at(140);
    expect(sent.map((s) => s.frame)).toEqual([0, 1, 2, 3, 4]);
    loop.requestKeyframe();
    at(170);
    expect(sent.map((s) => s.frame)).toEqual([0, 1, 2, 3, 4, 0]);
    expect(sent.at(-1)!.timestamp - sent[0]!.timestamp).toBe(5 * 3000);
  });

  it('starts a resumed layer with a key frame without waiting for the clip to reach one', () => {
    const { loop, sent, at } = handPumped();
    loop.setActive(false);
    at(40);
    expect(sent).toEqual([]);
    loop.setActive(true);
    at(70);
    // Frame 2 was due at 67 ms; key frame 3 replaces it.
    expect(sent.map((s) => s.frame)).toEqual([3]);
  });
});
