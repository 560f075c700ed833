/**
 * What a synthetic participant receives, counted without decoding: RTP packets, video frames
 * (a frame ends with the marker bit), VP8 key frames (the first packet of a frame, whose frame
 * tag says so) and packets lost (gaps in each stream's sequence numbers).
 */
import { Vp8RtpPayload, type RtpPacket } from 'werift';

export interface ReceiveStats {
  packets: number;
  bytes: number;
  /** Video frames completed (marker bit), key frames among them. */
  frames: number;
  keyframes: number;
  /** Packets the sequence numbers say were sent and never arrived. */
  lost: number;
}

/** One incoming stream (one SSRC). */
class StreamCounter {
  private highest = -1;
  private expected = 0;
  private received = 0;

  /** Counts a packet; returns how many of this stream's packets are now missing. */
  add(sequenceNumber: number): number {
    this.received += 1;
    if (this.highest < 0) {
      this.highest = sequenceNumber;
      this.expected = 1;
    } else {
      // Forward distance modulo 2^16; a late (reordered) packet is not a new one.
      const step = (sequenceNumber - this.highest + 65536) % 65536;
      if (step > 0 && step < 32768) {
        this.expected += step;
        this.highest = sequenceNumber;
      }
    }
    return Math.max(0, this.expected - this.received);
  }
}

export class ReceiveCounter {
  readonly stats: ReceiveStats = { packets: 0, bytes: 0, frames: 0, keyframes: 0, lost: 0 };
  private readonly streams = new Map<number, { counter: StreamCounter; lost: number }>();

  /** A packet of an audio (`video` false) or VP8 video stream. */
  add(packet: RtpPacket, video: boolean): void {
    const { header, payload } = packet;
    this.stats.packets += 1;
    this.stats.bytes += payload.length;
    let stream = this.streams.get(header.ssrc);
    if (!stream) {
      stream = { counter: new StreamCounter(), lost: 0 };
      this.streams.set(header.ssrc, stream);
    }
    const lost = stream.counter.add(header.sequenceNumber);
    this.stats.lost += lost - stream.lost;
    stream.lost = lost;
    if (!video || payload.length === 0) return;
    if (header.marker) this.stats.frames += 1;
    const vp8 = Vp8RtpPayload.deSerialize(payload);
    if (vp8.payloadHeaderExist && vp8.isKeyframe) this.stats.keyframes += 1;
  }
}
