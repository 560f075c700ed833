/**
 * What a synthetic participant's media does in a room, whichever backend the welcome names
 * (sfu-media.ts for Janus, mesh-media.ts for p2p): the same role as the web client's
 * MediaConnection, reduced to sending clips and counting what arrives.
 */
import type {
  BrowserSignal,
  IceServerConfig,
  RoomParticipant,
  ServerSignal,
} from '../../src/shared/signaling.js';
import type { MediaClips } from './media-clip.js';
import type { ReceiveCounter } from './receive-counter.js';
import type { RtpLoopStats } from './rtp-loop.js';

export interface MediaOptions {
  selfId: string;
  iceServers: IceServerConfig[];
  clips: MediaClips;
  /** Send the camera clip (the microphone clip is always sent). */
  video: boolean;
  /** Receive what the room offers (`all`), or publish only (`none`). */
  subscribe: 'all' | 'none';
  send: (to: string, signal: BrowserSignal) => void;
  counter: ReceiveCounter;
  /** Called once, when the first media connection is up (ICE and DTLS). */
  onConnected: () => void;
  /** A connection failed or a negotiation step threw: reported, never thrown. */
  onProblem: (what: string) => void;
}

export interface MediaSession {
  /** Starts with the room as the welcome gave it (everyone, this participant included). */
  start(participants: RoomParticipant[]): void;
  joined(participant: RoomParticipant): void;
  left(peerId: string): void;
  /** Their page reloaded and negotiates again as a newcomer: drop what we had with them. */
  restarted(peerId: string): void;
  handle(from: string, signal: ServerSignal): void;
  /** What was sent so far, every stream added up. */
  sent(): RtpLoopStats;
  close(): Promise<void>;
}

export function addUp(loops: Iterable<{ stats: RtpLoopStats }>): RtpLoopStats {
  const total: RtpLoopStats = { packets: 0, frames: 0, bytes: 0 };
  for (const { stats } of loops) {
    total.packets += stats.packets;
    total.frames += stats.frames;
    total.bytes += stats.bytes;
  }
  return total;
}
