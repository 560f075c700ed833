/**
 * The browser end of the room's signaling WebSocket (docs/protocol.md): joins, keeps the
 * connection alive with pings, and when it drops, reconnects by itself and takes the same place
 * back (`resume`), so a Wi-Fi blip never sends anyone back to the lobby.
 */
import { callEach } from '../../../shared/listeners.js';
import {
  CLOSE_CODES,
  serverFrameSchema,
  type ClientFrame,
  type HostFrameType,
  type MediaState,
  type Reaction,
  type RoomEvent,
  type ServerFrame,
  type BrowserSignal,
  type ServerSignal,
  type SignalingErrorCode,
  type Welcome,
} from '../../../shared/signaling.js';
import type { SavedPlace } from './saved-place.js';

export type SignalingStatus =
  'connecting' | 'waiting' | 'connected' | 'reconnecting' | 'full' | 'closed' | 'refused';

/** Frames about hosts' decisions: the waiting room, knocks, what a host did to this person. */
export type HostNoticeFrame = Extract<
  ServerFrame,
  { type: 'waiting' | 'knock' | 'knockEnded' | 'moderated' }
>;

/** A frame only hosts may send (the server answers FORBIDDEN to anyone else). */
export type HostCommand = Extract<ClientFrame, { type: HostFrameType }>;

/** Close codes that end the room for this page, with the reason it shows. */
const ENDING_CLOSES = new Map<number, SignalingErrorCode>([
  [CLOSE_CODES.MEETING_NOT_OPEN, 'MEETING_NOT_OPEN'],
  [CLOSE_CODES.REPLACED, 'REPLACED'],
  [CLOSE_CODES.REMOVED, 'REMOVED'],
  [CLOSE_CODES.ADMISSION_DENIED, 'ADMISSION_DENIED'],
  [CLOSE_CODES.MEETING_LOCKED, 'MEETING_LOCKED'],
  [CLOSE_CODES.MEETING_ENDED, 'MEETING_ENDED'],
]);

export interface SignalingListener {
  status(status: SignalingStatus, detail?: SignalingErrorCode | 'upgrade'): void;
  welcome(welcome: Welcome): void;
  event(event: RoomEvent): void;
  signal(from: string, payload: ServerSignal): void;
  error(code: SignalingErrorCode, message: string): void;
  /** Someone's reaction (ours too), to show a moment over their tile. */
  reaction?(peerId: string, reaction: Reaction): void;
  /** The waiting room, knocks (hosts), and what a host did to this person. */
  hostNotice(frame: HostNoticeFrame): void;
}

/** Waits between reconnection attempts: quick at first (a blip), then every few seconds. */
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 3000];
/** Upgrades refused this many times in a row are taken as "no session here" (lobby). */
const REFUSALS_BEFORE_GIVING_UP = 3;
/**
 * After a server's NODE_DRAINING, refused upgrades are not counted towards the lobby this long:
 * they are that server (or the balancer) still turning people away while others take over, or
 * a single server restarting. The place itself is held for the grace time (32 s by default).
 */
const MOVE_TOLERANCE_MS = 30_000;
/** Ping period in the waiting room, before any welcome says the server's (its default). */
const WAITING_HEARTBEAT_MS = 2000;
/** Pings in a row the server may leave unanswered before its connection is taken as dead. */
const UNANSWERED_PINGS_BEFORE_DROP = 3;
/** How long the check "is a server there at all?" after a failed opening may take. */
const PROBE_TIMEOUT_MS = 3000;

export interface SignalingOptions {
  /**
   * Whether a server answers HTTP where the socket failed to open. A socket refused by the
   * server and one that found no server look the same to a page (close 1006 before opening);
   * only the first says "no session here". No server is one restarting (a lone node after a
   * crash, whose places it keeps) or a network gone: keep trying, the grace time decides.
   */
  serverAnswers?: () => Promise<boolean>;
}

export class SignalingClient {
  private socket: WebSocket | null = null;
  private seq = 0;
  private place: { peerId: string; resumeToken: string } | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private refusals = 0;
  /** Until then (ms), a refused upgrade is the old server going away, not "no session here". */
  private movingUntil = 0;
  /** Pings sent since the server last said anything. */
  private unansweredPings = 0;
  private stopped = false;
  /** The first hello takes back a place a reloaded page saved: its media connections are new. */
  private reloaded = false;
  private welcomed = false;

  constructor(
    private readonly url: string,
    private media: MediaState,
    private readonly listener: SignalingListener,
    saved: SavedPlace | null = null,
    private readonly options: SignalingOptions = {},
  ) {
    if (saved) {
      this.place = { peerId: saved.peerId, resumeToken: saved.resumeToken };
      this.seq = saved.lastSeq;
      this.reloaded = true;
    }
  }

  start(): void {
    this.connect();
    globalThis.addEventListener?.('online', this.reconnectNow);
    globalThis.addEventListener?.('offline', this.dropNow);
  }

  /** Ends for good: tells the room (when connected) and stops reconnecting. */
  leave(): void {
    this.send({ type: 'leave' });
    this.stop();
  }

  /**
   * The page is going away (tab closed, navigation elsewhere): the room holds the place a
   * moment for a reload, then the others see us leave. Said on the socket when it is up, else
   * with a beacon to `beaconUrl`, which the browser sends even as the page unloads.
   */
  closePage(beaconUrl: string): void {
    const said = this.welcomed && this.send({ type: 'leave', pageClosing: true });
    if (!said && this.place) {
      const body = JSON.stringify(this.place);
      globalThis.navigator?.sendBeacon?.(beaconUrl, new Blob([body], { type: 'application/json' }));
    }
    this.stop();
  }

  /** What a reloaded page needs to take this place back (null before the first welcome). */
  savedPlace(): SavedPlace | null {
    return this.place && { ...this.place, lastSeq: this.seq };
  }

  stop(): void {
    this.stopped = true;
    globalThis.removeEventListener?.('online', this.reconnectNow);
    globalThis.removeEventListener?.('offline', this.dropNow);
    this.clearTimers();
    this.socket?.close(1000, 'bye');
    this.socket = null;
  }

  setMedia(media: MediaState): void {
    this.media = media;
    this.send({ type: 'media', media });
  }

  sendSignal(to: string, payload: BrowserSignal): void {
    this.send({ type: 'signal', to, payload });
  }

  sendChat(text: string): boolean {
    return this.send({ type: 'chat', text });
  }

  /** Raises or lowers our hand, or (a host) lowers `peerId`'s. */
  sendHand(raised: boolean, peerId?: string): boolean {
    return this.send(peerId ? { type: 'hand', raised, peerId } : { type: 'hand', raised });
  }

  sendReaction(reaction: Reaction): boolean {
    return this.send({ type: 'reaction', reaction });
  }

  /** A host's command (admit, mute, remove, lock...); false when the socket is down. */
  sendHost(command: HostCommand): boolean {
    return this.send(command);
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN && this.place !== null;
  }

  private send(frame: ClientFrame): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  private connect(): void {
    if (this.stopped) return;
    this.tell((listener) => listener.status(this.welcomed ? 'reconnecting' : 'connecting'));
    const socket = new WebSocket(this.url);
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.refusals = 0;
      const resume = this.place
        ? { ...this.place, lastSeq: this.seq, ...(this.reloaded ? { reload: true } : {}) }
        : undefined;
      socket.send(JSON.stringify({ type: 'hello', media: this.media, resume }));
    };
    socket.onmessage = (message) => this.receive(message.data);
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearTimers();
      if (this.stopped) return;
      if (close.code === CLOSE_CODES.ROOM_FULL) return this.end('full', 'ROOM_FULL');
      const ending = ENDING_CLOSES.get(close.code);
      if (ending) return this.end('closed', ending);
      if (close.code === CLOSE_CODES.LEFT) return this.end('closed');
      if (close.code === CLOSE_CODES.NODE_DRAINING) return this.moveNow();
      // A refused upgrade (no session, meeting over) closes before opening, like a dead network
      // or a server that is down; several in a row from a server that answers mean it says no.
      const moving = Date.now() < this.movingUntil;
      if (!opened && !moving && globalThis.navigator?.onLine !== false) {
        return void this.countRefusal();
      }
      this.scheduleReconnect();
    };
  }

  /** A failed opening is a refusal only when a server is there to refuse. */
  private async countRefusal(): Promise<void> {
    const answers = await (this.options.serverAnswers ?? (() => serverAnswers(this.url)))();
    if (this.stopped || this.socket) return;
    if (answers) this.refusals += 1;
    if (this.refusals >= REFUSALS_BEFORE_GIVING_UP) return this.end('refused', 'upgrade');
    this.scheduleReconnect();
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = serverFrameSchema.parse(JSON.parse(data));
    } catch {
      return; // a newer server's frame this page does not know: ignore rather than break
    }
    this.unansweredPings = 0;
    switch (frame.type) {
      case 'welcome':
        this.place = { peerId: frame.peerId, resumeToken: frame.resumeToken };
        this.seq = frame.seq;
        this.welcomed = true;
        this.reloaded = false;
        this.attempts = 0;
        this.startHeartbeat(frame.heartbeatMs);
        this.tell((listener) => listener.welcome(frame));
        this.tell((listener) => listener.status('connected'));
        return;
      case 'signal':
        return this.tell((listener) => listener.signal(frame.from, frame.payload));
      case 'pong':
        return;
      case 'reaction':
        return this.tell((listener) => listener.reaction?.(frame.peerId, frame.reaction));
      case 'waiting':
        // Pinged while waiting too: the server drops a silent waiting page from hosts' lists.
        if (!this.heartbeat) this.startHeartbeat(WAITING_HEARTBEAT_MS);
        this.attempts = 0;
        this.tell((listener) => listener.status('waiting'));
        return this.tell((listener) => listener.hostNotice(frame));
      case 'knock':
      case 'knockEnded':
      case 'moderated':
        return this.tell((listener) => listener.hostNotice(frame));
      case 'error':
        return this.tell((listener) => listener.error(frame.code, frame.message));
      default:
        if (frame.seq > this.seq) this.seq = frame.seq;
        this.tell((listener) => listener.event(frame));
    }
  }

  /**
   * Hands the page what happened. A page handler that throws is logged and goes no further: the
   * next handler still runs, and this client still answers, pings and reconnects.
   */
  private tell(call: (listener: SignalingListener) => void): void {
    callEach([this.listener], call, (error) => console.error('Signaling listener failed', error));
  }

  /**
   * Pings at the server's pace; a server that answers none of three pings in a row is taken as
   * gone (a dead network does not always close the socket) and the client reconnects. Counted in
   * pings rather than seconds: a page starved of CPU (a busy laptop, a room of eight on a small
   * machine) runs this timer late, ahead of the server's answers already waiting for it, and
   * measured in seconds it dropped a healthy connection, costing everyone a renegotiation.
   */
  private startHeartbeat(periodMs: number): void {
    this.clearTimers();
    this.unansweredPings = 0;
    this.heartbeat = setInterval(() => {
      if (this.unansweredPings >= UNANSWERED_PINGS_BEFORE_DROP) return this.dropNow();
      this.unansweredPings += 1;
      this.send({ type: 'ping', at: Date.now() });
    }, periodMs);
  }

  /**
   * The connection is taken as dead (a silent server, or the browser saying it went offline:
   * a dropped Wi-Fi can leave a socket looking open for minutes): close it and reconnect.
   */
  private readonly dropNow = () => {
    if (this.stopped) return;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.clearTimers();
    this.scheduleReconnect();
  };

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    this.tell((listener) => listener.status('reconnecting'));
    const delay = RETRY_DELAYS_MS[Math.min(this.attempts, RETRY_DELAYS_MS.length - 1)] ?? 3000;
    this.attempts += 1;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect();
    }, delay);
  }

  /**
   * The server is shutting down (a deploy): another one takes this place at once, so reconnect
   * now, with no backoff, and resume; if none answers yet, the usual backoff follows.
   */
  private moveNow(): void {
    this.movingUntil = Date.now() + MOVE_TOLERANCE_MS;
    this.refusals = 0;
    this.attempts = 0;
    this.connect();
  }

  /** Back online: try now rather than at the next scheduled attempt. */
  private readonly reconnectNow = () => {
    if (this.stopped || this.socket) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.connect();
  };

  private end(status: SignalingStatus, detail?: SignalingErrorCode | 'upgrade'): void {
    this.stopped = true;
    this.clearTimers();
    this.tell((listener) => listener.status(status, detail));
  }

  private clearTimers(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }
}

/** Whether the server behind a room socket URL answers HTTP (a balancer's 5xx is no server). */
async function serverAnswers(socketUrl: string): Promise<boolean> {
  const url = new URL('/healthz', socketUrl.replace(/^ws/, 'http'));
  try {
    const response = await fetch(url, {
      cache: 'no-store',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return response.status < 500;
  } catch {
    return false;
  }
}

export function roomSocketUrl(token: string, location: Location = globalThis.location): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/rooms/${encodeURIComponent(token)}/ws`;
}
