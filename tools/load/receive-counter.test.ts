import { describe, expect, it } from 'vitest';
import { RtpHeader, RtpPacket, Vp8Packetizer } from 'werift';
import { ReceiveCounter } from './receive-counter.js';

function audio(ssrc: number, sequenceNumber: number): RtpPacket {
  return new RtpPacket(new RtpHeader({ ssrc, sequenceNumber }), Buffer.from([1, 2, 3]));
}

/** A VP8 frame's packets; the first byte of a frame tag is even for a key frame. */
function vp8Frame(packetizer: Vp8Packetizer, keyframe: boolean, bytes: number): RtpPacket[] {
  const frame = Buffer.alloc(bytes, 0x55);
  frame[0] = keyframe ? 0x10 : 0x11;
  return packetizer.packetize(frame, 0);
}

describe('ReceiveCounter', () => {
  it('counts packets lost from gaps in sequence numbers, across the 16-bit wrap', () => {
    const counter = new ReceiveCounter();
    for (const seq of [65533, 65534, 1, 2, 5]) counter.add(audio(7, seq), false);
    // 65535, 0, 3 and 4 never came.
    expect(counter.stats).toMatchObject({ packets: 5, lost: 4 });
  });

  it('takes a late packet as found, not as a new stream start, and keeps streams apart', () => {
    const counter = new ReceiveCounter();
    for (const seq of [10, 12, 11]) counter.add(audio(1, seq), false);
    for (const seq of [500, 501]) counter.add(audio(2, seq), false);
    expect(counter.stats).toMatchObject({ packets: 5, lost: 0 });
  });

  it('counts video frames by marker bit and key frames by their VP8 frame tag', () => {
    const counter = new ReceiveCounter();
    const packetizer = new Vp8Packetizer({ ssrc: 3, maxPayloadSize: 1000 });
    const packets = [
      ...vp8Frame(packetizer, true, 2500),
      ...vp8Frame(packetizer, false, 300),
      ...vp8Frame(packetizer, false, 1200),
    ];
    for (const packet of packets) counter.add(packet, true);
    expect(counter.stats).toMatchObject({ packets: 6, frames: 3, keyframes: 1, lost: 0 });
  });
});
