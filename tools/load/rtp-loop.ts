/**
 * Sends a clip over and over as RTP, at the pace it was recorded: each frame leaves when its
 * time comes, with an RTP timestamp that keeps rising across loops (a random start, plus the
 * clip's length for each loop done). One timer serves every loop of the process, so a hundred
 * participants cost one wake-up every 10 ms, not a hundred.
 *
 * A receiver's key frame request (PLI or FIR: Janus sends one for each new subscriber and
 * each simulcast layer switch) is answered as a browser's encoder answers it: the next frame
 * sent is a key frame. The clip has one a second; the loop skips ahead to the next one and
 * sends it at once, its RTP timestamp following on from the last frame sent. Without that, a
 * newcomer would wait up to a second per camera for its first picture, which no browser makes
 * it wait, and a join benchmark would measure the clip, not the room.
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
  /** RTP ticks the clip's timeline was moved ahead by key frame requests. */
  private skipped = 0;
  private keyframeRequested = false;

  constructor(
    private readonly clip: Clip,
    private readonly packetize: (data: Buffer, rtpTimestamp: number) => RtpPacket[],
    private readonly send: (packet: RtpPacket) => void,
  ) {}

  start(): void {
    this.startMs = performance.now();
    this.loop = 0;
    this.index = 0;
    this.skipped = 0;
    clock.add(this);
  }

  stop(): void {
    clock.delete(this);
  }

  setActive(active: boolean): void {
    if (active && !this.active) {
      // A resumed encoder starts with a key frame.
      this.waitForKeyframe = true;
      this.keyframeRequested = true;
    }
    this.active = active;
  }

  /** The next frame sent will be a key frame (a PLI or FIR came in). */
  requestKeyframe(): void {
    this.keyframeRequested = true;
  }

  /** Sends every frame whose time has come. */
  pump(nowMs: number): void {
    const { frames, rtpLength, clockRate } = this.clip;
    for (;;) {
      if (this.keyframeRequested) this.skipToKeyframe(nowMs);
      const frame = frames[this.index] as ClipFrame;
      const clipTime = this.loop * rtpLength + frame.rtpTime - this.skipped;
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

  /**
   * Once the next frame is due: moves on to the clip's next key frame, whose time becomes that
   * of the frame it replaces (the timeline shifts ahead, timestamps stay continuous).
   */
  private skipToKeyframe(nowMs: number): void {
    const { frames, rtpLength, clockRate } = this.clip;
    const due = this.loop * rtpLength + (frames[this.index] as ClipFrame).rtpTime - this.skipped;
    if (this.startMs + (due * 1000) / clockRate > nowMs) return;
    this.keyframeRequested = false;
    if (!this.active) return;
    let index = this.index;
    let loop = this.loop;
    while (!(frames[index] as ClipFrame).keyframe) {
      index += 1;
      if (index === frames.length) [index, loop] = [0, loop + 1];
      // A clip without a key frame: nothing to skip to.
      if (index === this.index) return;
    }
    this.skipped += loop * rtpLength + (frames[index] as ClipFrame).rtpTime - (due + this.skipped);
    [this.index, this.loop] = [index, loop];
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
