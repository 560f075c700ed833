/**
 * One browser's signaling socket: reads frames (size cap, JSON, zod schema, rate cap) and hands
 * valid ones to the hub; writes frames back. A bad frame earns an `error` frame and the socket
 * stays up; only a flood closes it, and only this one.
 */
import type { WebSocket, RawData } from 'ws';
import {
  CLOSE_CODES,
  MAX_FRAME_BYTES,
  RATE_LIMIT,
  SIGNALING_ERRORS,
  clientFrameSchema,
  type ClientFrame,
  type ServerFrame,
  type SignalingErrorCode,
  type Welcome,
} from '../../shared/signaling.js';

/** Messages of the rate limit one unreadable frame costs (see `refuse`). */
const BAD_FRAME_COST = 10;

export interface FrameHandler {
  frame(connection: RoomConnection, frame: ClientFrame): Promise<void>;
  closed(connection: RoomConnection): void;
}

export class RoomConnection {
  /** Set once the hub has placed this connection in the room. */
  peerId: string | null = null;
  /** A host of the meeting: gets `knock` frames and may send host frames. */
  host = false;
  /** Set while this guest's hello waits for a host (the waiting room). */
  waitingId: string | null = null;
  /** Whether the hub has sent `welcome`; frames for it wait in `pending` until then. */
  private live = false;
  private pending: ServerFrame[] = [];
  /** The room's event number as of `welcome`. */
  private welcomeSeq = 0;
  lastFrameAt: number;
  /** The hub closed it on purpose (left, replaced): no reconnect grace. */
  ended = false;
  /** Its page said it is closing: the place is held this long after the close, not the grace. */
  holdAfterCloseMs: number | null = null;
  private tokens: number = RATE_LIMIT.burst;
  private refilledAt: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    private readonly handler: FrameHandler,
    // Real time, not the injected clock: heartbeats and grace are about the network.
    private readonly now: () => number = Date.now,
  ) {
    this.lastFrameAt = now();
    this.refilledAt = this.lastFrameAt;
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => handler.closed(this));
    socket.on('error', () => socket.terminate());
  }

  /** `text` is the frame already serialized, when the same frame goes to a whole room. */
  send(frame: ServerFrame, text: string = JSON.stringify(frame)): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }

  /**
   * `welcome`, with its chat history already serialized (chat-history.ts keeps it so between
   * joins): the frame's own fields are serialized here, the history spliced in as it is.
   */
  sendWelcome(welcome: Omit<Welcome, 'chat'>, chatJson: string): void {
    const fields = JSON.stringify(welcome);
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(`${fields.slice(0, -1)},"chat":${chatJson}}`);
  }

  get isLive(): boolean {
    return this.live;
  }

  /**
   * A room event or relayed signal: sent now, or kept until `welcome` has gone out. An event
   * the welcome already counted (delivery across nodes can come after it) is not sent again.
   */
  deliver(frame: ServerFrame, text?: string): void {
    if (!this.live) this.pending.push(frame);
    else if (!('seq' in frame) || frame.seq > this.welcomeSeq) this.send(frame, text);
  }

  /**
   * After `welcome` (room state as of `seq`): sends what arrived meanwhile and is newer. A
   * signal can arrive twice during a take-over (kept by the node that held the place, and
   * delivered here): identical frames are sent once.
   */
  goLive(seq: number, kept: ServerFrame[]): void {
    this.live = true;
    this.welcomeSeq = seq;
    const sent = new Set<string>();
    for (const frame of [...kept, ...this.pending]) {
      if ('seq' in frame && frame.seq <= seq) continue;
      const text = JSON.stringify(frame);
      if (!sent.has(text)) this.send(frame, text);
      sent.add(text);
    }
    this.pending = [];
  }

  sendError(code: SignalingErrorCode, message: string = SIGNALING_ERRORS[code]): void {
    this.send({ type: 'error', code, message });
  }

  /** Ends the connection on purpose, after a last error frame when there is one. */
  end(code: number, error?: SignalingErrorCode): void {
    this.ended = true;
    if (error) this.sendError(error);
    this.socket.close(code, error ?? 'bye');
  }

  private receive(data: RawData, isBinary: boolean): void {
    // Cut already (a flood): what was still on the wire is dropped unread.
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.lastFrameAt = this.now();
    if (!this.takeToken()) {
      // Closed as a drop, not `end()`ed: the hub then holds the place for the grace time and
      // removes it (`left`, timeout) unless it is resumed. An ended connection was never
      // removed by anyone, leaving a participant in everyone's roster for good.
      this.sendError('RATE_LIMITED');
      this.socket.close(CLOSE_CODES.RATE_LIMITED, 'RATE_LIMITED');
      return;
    }
    const bytes = Array.isArray(data)
      ? data.reduce((sum, part) => sum + part.length, 0)
      : data.byteLength;
    if (bytes > MAX_FRAME_BYTES) return this.refuse('FRAME_TOO_LARGE');
    if (isBinary) return this.refuse('BAD_FRAME', 'Frames are JSON text, not binary.');
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data as ArrayBuffer).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.refuse('BAD_FRAME', 'The frame is not valid JSON.');
    }
    const parsed = clientFrameSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
      return this.refuse('BAD_FRAME', `${issue?.message ?? 'Invalid frame'}${where}.`);
    }
    // Frames are handled one after another, so a slow hello never races the frames after it.
    this.queue = this.queue
      .then(() => this.handler.frame(this, parsed.data))
      .catch(() => this.sendError('BAD_FRAME', 'The frame could not be handled.'));
  }

  /**
   * A frame the server cannot read. It costs the sender BAD_FRAME_COST messages of its rate
   * limit: a page never sends one but by a bug, while a client sending nothing else (a fuzzer,
   * an attack) is cut after a few dozen rather than answered 200 times in a burst, a burst
   * others' frames wait behind.
   */
  private refuse(code: 'BAD_FRAME' | 'FRAME_TOO_LARGE', message?: string): void {
    this.tokens -= BAD_FRAME_COST - 1;
    this.sendError(code, message);
  }

  /** Token bucket: `perSecond` sustained with a `burst` allowance (join sends many candidates). */
  private takeToken(): boolean {
    const now = this.now();
    this.tokens = Math.min(
      RATE_LIMIT.burst,
      this.tokens + ((now - this.refilledAt) / 1000) * RATE_LIMIT.perSecond,
    );
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
