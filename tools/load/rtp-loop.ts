/**
 * Sends a clip over and over as RTP, at the pace it was recorded: each frame leaves when its
 * time comes, with an RTP timestamp that keeps rising across loops (a random start, plus the
 * clip's length for each loop done). One timer serves every loop of the process, so a hundred
 * participants cost one wake-up every 10 ms, not a hundred.
 */
import { randomInt } from 'node:crypto';
import type { RtpPacket } from 'werift';
import type { Clip, ClipFrame } from './media-clip.js';

const TICK_MS = 10;

export interface RtpLoopStats {
  packets: number;
  frames: number;
  bytes: number;
}

export class RtpLoop {
  readonly stats: RtpLoopStats = { packets: 0, frames: 0, bytes: 0 };
  /** While false, frames are skipped (a paused layer); it restarts at the next key frame. */
  private active = true;
  private waitForKeyframe = false;
  private readonly baseTimestamp = randomInt(0, 2 ** 31);
  private startMs = 0;
  private loop = 0;
  private index = 0;

  constructor(
    private readonly clip: Clip,
    private readonly packetize: (data: Buffer, rtpTimestamp: number) => RtpPacket[],
    private readonly send: (packet: RtpPacket) => void,
  ) {}

  start(): void {
    this.startMs = performance.now();
    this.loop = 0;
    this.index = 0;
    clock.add(this);
  }

  stop(): void {
    clock.delete(this);
  }

  setActive(active: boolean): void {
    if (active && !this.active) this.waitForKeyframe = true;
    this.active = active;
  }

  /** Sends every frame whose time has come. */
  pump(nowMs: number): void {
    const { frames, rtpLength, clockRate } = this.clip;
    for (;;) {
      const frame = frames[this.index] as ClipFrame;
      const clipTime = this.loop * rtpLength + frame.rtpTime;
      if (this.startMs + (clipTime * 1000) / clockRate > nowMs) return;
      if (frame.keyframe) this.waitForKeyframe = false;
      if (this.active && !this.waitForKeyframe) {
        // RTP timestamps are 32 bits and wrap.
        const timestamp = (this.baseTimestamp + clipTime) % 2 ** 32;
        for (const packet of this.packetize(frame.data, timestamp)) {
          this.stats.packets += 1;
          this.stats.bytes += packet.payload.length;
          this.send(packet);
        }
        this.stats.frames += 1;
      }
      this.index += 1;
      if (this.index === frames.length) {
        this.index = 0;
        this.loop += 1;
      }
    }
  }
}

/** The one timer of the process, running while some loop is. */
const clock = new (class {
  private readonly loops = new Set<RtpLoop>();
  private timer: NodeJS.Timeout | undefined;

  add(loop: RtpLoop): void {
    this.loops.add(loop);
    this.timer ??= setInterval(() => {
      const now = performance.now();
      for (const each of this.loops) each.pump(now);
    }, TICK_MS);
  }

  delete(loop: RtpLoop): void {
    this.loops.delete(loop);
    if (this.loops.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
})();
