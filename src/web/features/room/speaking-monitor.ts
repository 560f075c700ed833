/**
 * Who is speaking, measured in the browser from WebRTC stats (no React): every incoming
 * audio track's `audioLevel` (inbound-rtp of its receiver), and our own microphone's
 * (media-source of the audio sender). The same on both backends: in the mesh each peer's audio
 * comes on its connection, through the SFU each participant's on its own m-line.
 */

/** How often levels are read. */
export const SPEAKING_POLL_MS = 250;
/** `audioLevel` (0..1, linear) above which someone counts as speaking; a voice is ~0.05-0.5. */
const SPEAKING_LEVEL = 0.02;
/** How long someone still counts as speaking after their level fell (pauses between words). */
const SPEAKING_HANG_MS = 700;

export interface SpeakingSource {
  /** The open peer connections. */
  connections(): RTCPeerConnection[];
  /** The incoming audio track of each remote participant, by peer id. */
  remoteAudio(): Record<string, MediaStreamTrack | undefined>;
  selfId(): string | null;
}

export class SpeakingMonitor {
  private readonly lastLoudAt = new Map<string, number>();
  private readonly levels = new Map<string, number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private busy = false;

  constructor(
    private readonly source: SpeakingSource,
    /** Called after every reading with who speaks now, loudest first. */
    private readonly onChange: (speaking: string[]) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.poll(), SPEAKING_POLL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      // A connection that cannot be read (closing, or a test double): no reading this time.
      const levels = await this.read().catch(() => new Map<string, number>());
      const now = Date.now();
      for (const [peerId, level] of levels) {
        this.levels.set(peerId, level);
        if (level > SPEAKING_LEVEL) this.lastLoudAt.set(peerId, now);
      }
      const speaking = [...this.lastLoudAt]
        .filter(([, at]) => now - at <= SPEAKING_HANG_MS)
        .map(([peerId]) => peerId)
        .sort((a, b) => (this.levels.get(b) ?? 0) - (this.levels.get(a) ?? 0));
      this.onChange(speaking);
    } finally {
      this.busy = false;
    }
  }

  private async read(): Promise<Map<string, number>> {
    const levels = new Map<string, number>();
    const connections = this.source.connections().filter((pc) => pc.connectionState !== 'closed');
    const byTrack = new Map<string, string>();
    for (const [peerId, track] of Object.entries(this.source.remoteAudio())) {
      if (track) byTrack.set(track.id, peerId);
    }
    const selfId = this.source.selfId();
    const reads: Promise<void>[] = [];
    for (const pc of connections) {
      for (const receiver of pc.getReceivers()) {
        const peerId = byTrack.get(receiver.track.id);
        if (peerId)
          reads.push(levelOf(receiver, 'inbound-rtp').then((l) => keepMax(levels, peerId, l)));
      }
      if (!selfId) continue;
      for (const sender of pc.getSenders()) {
        if (sender.track?.kind !== 'audio' || !sender.track.enabled) continue;
        reads.push(levelOf(sender, 'media-source').then((l) => keepMax(levels, selfId, l)));
      }
    }
    await Promise.all(reads);
    return levels;
  }
}

async function levelOf(
  endpoint: RTCRtpReceiver | RTCRtpSender,
  type: 'inbound-rtp' | 'media-source',
): Promise<number> {
  let level = 0;
  try {
    (await endpoint.getStats()).forEach(
      (report: { type: string; kind?: string; audioLevel?: number }) => {
        if (report.type === type && report.audioLevel !== undefined) {
          level = Math.max(level, report.audioLevel);
        }
      },
    );
  } catch {
    // A connection closing under us: no level this time.
  }
  return level;
}

function keepMax(levels: Map<string, number>, peerId: string, level: number): void {
  levels.set(peerId, Math.max(levels.get(peerId) ?? 0, level));
}
