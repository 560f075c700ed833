/**
 * A synthetic participant: joins a meeting through the public path a browser takes (the lobby's
 * `POST /api/join/:token`, the room's WebSocket, the same signaling frames), sends looping
 * pre-encoded clips over werift peer connections instead of a camera and a microphone, and
 * counts what it receives without decoding. For `npm run load`, end-to-end tests and
 * benchmarks: `joinSynthetic(...)`, then `stats()` as often as wanted, then `leave()`.
 */
import { performance } from 'node:perf_hooks';
import type { BrowserSignal } from '../../src/shared/signaling.js';
import { DEFAULT_MEDIA_DIR, loadMediaClips } from './media-clip.js';
import { guestSession, parseJoinUrl } from './lobby.js';
import type { MediaSession } from './media-session.js';
import { MeshMedia } from './mesh-media.js';
import { ReceiveCounter, type ReceiveStats } from './receive-counter.js';
import { RoomSocket } from './room-socket.js';
import type { RtpLoopStats } from './rtp-loop.js';
import { SfuMedia } from './sfu-media.js';

export interface SyntheticOptions {
  /** The meeting link, `<origin>/m/<token>`. */
  joinUrl: string;
  /** The name others see. */
  name: string;
  /** Send the camera clip (default true); the microphone clip is always sent. */
  video?: boolean;
  /** `all`: receive everything offered and count it (default); `none`: publish only. */
  subscribe?: 'all' | 'none';
  password?: string;
  /** Where the clips are (made there when missing). */
  mediaDir?: string;
}

export interface SyntheticStats {
  name: string;
  peerId: string;
  backend: string;
  /** From the lobby request to the room's welcome, ms. */
  joinMs: number;
  /** From the lobby request to the first media connection up, ms (null: none yet). */
  mediaMs: number | null;
  sent: RtpLoopStats;
  received: ReceiveStats;
  /** Connection failures, refused negotiations, a dropped socket; empty when all went well. */
  problems: string[];
}

export interface SyntheticParticipant {
  readonly name: string;
  readonly peerId: string;
  readonly backend: string;
  /** The room as this participant found it: its cap, and who was there (itself included). */
  readonly room: { cap: number; size: number };
  stats(): SyntheticStats;
  /** Resolves once the first media connection is up. */
  readonly mediaUp: Promise<void>;
  /** Sends `leave`, closes every connection; resolves when done. */
  leave(): Promise<void>;
}

/** Joins one synthetic participant; rejects if the lobby or the room turns it away. */
export async function joinSynthetic(options: SyntheticOptions): Promise<SyntheticParticipant> {
  const { name, video = true, subscribe = 'all', password } = options;
  const clips = loadMediaClips(options.mediaDir ?? DEFAULT_MEDIA_DIR);
  const link = parseJoinUrl(options.joinUrl);
  const started = performance.now();
  const bearer = await guestSession(link, name, password);

  const counter = new ReceiveCounter();
  const problems: string[] = [];
  const report = (what: string) => {
    if (problems.length < 20) problems.push(what);
  };
  /** Set once the welcome says which backend serves the room. */
  const session: { media?: MediaSession } = {};
  let mediaMs: number | null = null;
  let mediaUp: () => void = () => {};
  const mediaPromise = new Promise<void>((resolve) => (mediaUp = resolve));

  const wsUrl = `${link.origin.replace(/^http/, 'ws')}/api/rooms/${link.token}/ws`;
  const room = await RoomSocket.join(
    wsUrl,
    bearer,
    { audio: true, video, screen: false },
    {
      signal: (from, signal) => session.media?.handle(from, signal),
      event: (frame) => {
        if (frame.type === 'joined') session.media?.joined(frame.participant);
        if (frame.type === 'left') session.media?.left(frame.peerId);
        if (frame.type === 'restarted') session.media?.restarted(frame.peerId);
      },
      dropped: (code) => report(`signaling closed with ${code}`),
    },
  );
  const joinMs = performance.now() - started;
  const { welcome } = room;
  const mediaOptions = {
    selfId: welcome.peerId,
    iceServers: welcome.media.iceServers,
    clips,
    video,
    subscribe,
    send: (to: string, signal: BrowserSignal) => room.signal(to, signal),
    counter,
    onConnected: () => {
      mediaMs ??= performance.now() - started;
      mediaUp();
    },
    onProblem: report,
  };
  const media =
    welcome.media.backend === 'p2p' ? new MeshMedia(mediaOptions) : new SfuMedia(mediaOptions);
  session.media = media;
  media.start(welcome.participants);

  let leaving: Promise<void> | undefined;
  return {
    name,
    peerId: welcome.peerId,
    backend: welcome.media.backend,
    room: { cap: welcome.media.roomCap, size: welcome.participants.length },
    mediaUp: mediaPromise,
    stats: () => ({
      name,
      peerId: welcome.peerId,
      backend: welcome.media.backend,
      joinMs,
      mediaMs,
      sent: media.sent(),
      received: { ...counter.stats },
      problems: [...problems],
    }),
    leave: () =>
      (leaving ??= (async () => {
        await room.leave();
        await media.close();
      })()),
  };
}
