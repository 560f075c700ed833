/**
 * A synthetic participant's signaling: the room's WebSocket with its guest token as a bearer,
 * `hello`, a `ping` every `welcome.heartbeatMs`, `signal` frames both ways and `leave`. Every frame from the server is checked against the protocol.
 * No resume: a dropped socket ends the participant (a load run reports it, it does not hide it).
 */
import WebSocket from 'ws';
import {
  serverFrameSchema,
  type BrowserSignal,
  type ClientFrame,
  type MediaState,
  type ServerFrame,
  type ServerSignal,
  type Welcome,
} from '../../src/shared/signaling.js';

const WELCOME_TIMEOUT_MS = 30_000;

/** The server turned the participant away (`error` then a close), e.g. ROOM_FULL. */
export class RoomRefusedError extends Error {
  constructor(
    readonly code: string,
    readonly closeCode: number,
  ) {
    super(`the room refused to let in: ${code} (close ${closeCode})`);
  }
}

export interface RoomEvents {
  signal(from: string, signal: ServerSignal): void;
  /** Room events after welcome (joined, updated, left, chat). */
  event(frame: ServerFrame): void;
  /** The socket closed without our `leave`. */
  dropped(code: number): void;
}

export class RoomSocket {
  private pinger: NodeJS.Timeout | undefined;
  private leaving = false;

  private constructor(
    private readonly socket: WebSocket,
    readonly welcome: Welcome,
  ) {}

  /** Opens the socket, says hello and resolves with the welcome (rejects on a refusal). */
  static async join(
    wsUrl: string,
    bearer: string,
    media: MediaState,
    events: RoomEvents,
  ): Promise<RoomSocket> {
    const socket = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${bearer}` } });
    return new Promise<RoomSocket>((resolve, reject) => {
      let room: RoomSocket | undefined;
      let refusal = '';
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`no welcome within ${WELCOME_TIMEOUT_MS} ms`));
      }, WELCOME_TIMEOUT_MS);
      socket.once('open', () => send(socket, { type: 'hello', media }));
      socket.once('unexpected-response', (_request, response) => {
        clearTimeout(timer);
        reject(new Error(`the room's WebSocket was refused: HTTP ${response.statusCode}`));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('message', (data) => {
        const parsed = serverFrameSchema.safeParse(JSON.parse(String(data)));
        if (!parsed.success) return;
        const frame = parsed.data;
        if (frame.type === 'welcome') {
          clearTimeout(timer);
          room = new RoomSocket(socket, frame);
          room.startPinging(frame.heartbeatMs);
          resolve(room);
        } else if (frame.type === 'signal') {
          events.signal(frame.from, frame.payload);
        } else if (frame.type === 'error' && !room) {
          refusal = frame.code;
        } else if (frame.type !== 'pong' && frame.type !== 'error') {
          events.event(frame);
        }
      });
      socket.on('close', (code) => {
        clearTimeout(timer);
        if (!room) reject(new RoomRefusedError(refusal || 'CLOSED', code));
        else room.closed(code, events);
      });
    });
  }

  signal(to: string, payload: BrowserSignal): void {
    if (this.socket.readyState === WebSocket.OPEN) {
      send(this.socket, { type: 'signal', to, payload });
    }
  }

  /** Sends `leave`; resolves when the server has closed the socket (at most 5 s). */
  leave(): Promise<void> {
    this.leaving = true;
    clearInterval(this.pinger);
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 5000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      send(this.socket, { type: 'leave' });
    });
  }

  private closed(code: number, events: RoomEvents): void {
    clearInterval(this.pinger);
    if (!this.leaving) events.dropped(code);
  }

  private startPinging(heartbeatMs: number): void {
    this.pinger = setInterval(() => {
      if (this.socket.readyState === WebSocket.OPEN) send(this.socket, { type: 'ping' });
    }, heartbeatMs);
  }
}

function send(socket: WebSocket, frame: ClientFrame): void {
  socket.send(JSON.stringify(frame));
}
