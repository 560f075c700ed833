/**
 * A real `ws` client for the room's signaling endpoint, for integration tests: connects with the
 * headers a test gives (cookie, bearer, Origin), checks every frame the server sends against the
 * protocol's zod schema, and lets a test wait for the next frame of a type (with a timeout)
 * instead of sleeping. Also the small fixtures a room needs: a quick meeting, a guest session.
 */
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { Meeting } from '../../src/shared/api.js';
import {
  serverFrameSchema,
  type ClientFrame,
  type MediaState,
  type ServerFrame,
  type Welcome,
} from '../../src/shared/signaling.js';
import type { TestApp } from './harness.js';

export type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

export interface ConnectOptions {
  /** `Cookie` header value (member session and/or `tertulia_guest`). */
  cookie?: string;
  /** Guest token sent as `Authorization: Bearer`. */
  bearer?: string;
  origin?: string;
}

export const MEDIA_ON: MediaState = { audio: true, video: true, screen: false };
const WAIT_MS = 3_000;

interface Waiter {
  match: (frame: ServerFrame) => boolean;
  resolve: (frame: ServerFrame) => void;
  reject: (error: Error) => void;
}

export class RoomClient {
  /** Every frame received, in order (consumed or not). */
  readonly frames: ServerFrame[] = [];
  /** The highest event number seen: what `resume.lastSeq` should say after a drop. */
  lastSeq = 0;
  peerId = '';
  resumeToken = '';
  /** Resolves with the close code and reason once the socket is closed (by either side). */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly unread: ServerFrame[] = [];
  private waiters: Waiter[] = [];
  private problem: Error | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private pings = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        clearInterval(this.pinger);
        resolve({ code, reason: reason.toString() });
        this.rejectWaiters(new Error(`socket closed with ${code} (${this.seen()})`));
      });
    });
  }

  /** Opens a socket; rejects with the HTTP status when the server refuses the upgrade. */
  static connect(url: string, options: ConnectOptions = {}): Promise<RoomClient> {
    const socket = new WebSocket(url, { headers: headersOf(options) });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new RoomClient(socket)));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => reject(new RefusedError(response.statusCode ?? 0, body)));
      });
      socket.once('error', reject);
    });
  }

  /** Connects expecting a refusal; resolves with its HTTP status and error body. */
  static async refusal(
    url: string,
    options: ConnectOptions = {},
  ): Promise<{ status: number; code: string }> {
    try {
      const client = await RoomClient.connect(url, options);
      client.terminate();
    } catch (error) {
      if (error instanceof RefusedError) return { status: error.status, code: error.code };
      throw error;
    }
    throw new Error('the server accepted the upgrade');
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: ClientFrame): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Anything at all, to test what the server does with frames outside the protocol. */
  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** Sends hello and waits for welcome; remembers the place for a later resume. */
  async hello(
    media: MediaState = MEDIA_ON,
    resume?: { peerId: string; resumeToken: string; lastSeq: number; reload?: boolean },
  ): Promise<Welcome> {
    this.send(resume ? { type: 'hello', media, resume } : { type: 'hello', media });
    return this.next('welcome');
  }

  /**
   * The oldest frame of this type not yet taken (optionally also matching `where`), waiting for
   * one when none has arrived. Frames of other types stay for their own `next`.
   */
  next<T extends ServerFrame['type']>(
    type: T,
    where: (frame: FrameOf<T>) => boolean = () => true,
    timeoutMs = WAIT_MS,
  ): Promise<FrameOf<T>> {
    const match = (frame: ServerFrame): frame is FrameOf<T> =>
      frame.type === type && where(frame as FrameOf<T>);
    if (this.problem) return Promise.reject(this.problem);
    const index = this.unread.findIndex(match);
    if (index >= 0) return Promise.resolve(this.unread.splice(index, 1)[0] as FrameOf<T>);
    if (this.socket.readyState === WebSocket.CLOSED) {
      return Promise.reject(new Error(`no "${type}" frame: the socket is closed (${this.seen()})`));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no "${type}" frame within ${timeoutMs} ms (${this.seen()})`));
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame as FrameOf<T>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Frames received and not yet taken by `next`, oldest first. */
  pending(): ServerFrame[] {
    return [...this.unread];
  }

  /**
   * A ping answered: the server handles one connection's frames in order, so everything it
   * sent in reply to earlier frames of this socket has arrived by now.
   */
  async roundTrip(): Promise<void> {
    this.pings += 1;
    const at = this.pings;
    this.send({ type: 'ping', at });
    await this.next('pong', (pong) => pong.at === at);
  }

  /** Pings every `intervalMs` until the socket closes, as a browser does. */
  keepAlive(intervalMs: number): void {
    this.pinger = setInterval(() => {
      if (this.isOpen) this.send({ type: 'ping' });
    }, intervalMs);
  }

  /** Stops pinging (a frozen tab): the server's heartbeat check should end the socket. */
  goSilent(): void {
    clearInterval(this.pinger);
  }

  /** Ends the TCP connection without a closing handshake, like a dropped network. */
  terminate(): void {
    clearInterval(this.pinger);
    this.socket.terminate();
  }

  close(): void {
    clearInterval(this.pinger);
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(1000);
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) return this.fail(new Error('the server sent a binary frame'));
    let json: unknown;
    try {
      json = JSON.parse(rawText(data));
    } catch {
      return this.fail(new Error('the server sent a frame that is not JSON'));
    }
    const parsed = serverFrameSchema.safeParse(json);
    if (!parsed.success) {
      return this.fail(new Error(`frame outside the protocol: ${parsed.error.message}`));
    }
    const frame = parsed.data;
    this.frames.push(frame);
    if (frame.type === 'welcome') {
      this.peerId = frame.peerId;
      this.resumeToken = frame.resumeToken;
      this.lastSeq = frame.seq;
    } else if ('seq' in frame) {
      this.lastSeq = Math.max(this.lastSeq, frame.seq);
    }
    const waiter = this.waiters.find((w) => w.match(frame));
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(frame);
    } else {
      this.unread.push(frame);
    }
  }

  private fail(error: Error): void {
    this.problem = error;
    this.rejectWaiters(error);
    this.socket.terminate();
  }

  private rejectWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  private seen(): string {
    return `received: ${this.frames.map((f) => f.type).join(', ') || 'nothing'}`;
  }
}

export class RefusedError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`upgrade refused: ${status} ${body}`);
    this.code = (JSON.parse(body || '{}') as { code?: string }).code ?? '';
  }
}

function headersOf(options: ConnectOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.origin) headers.origin = options.origin;
  return headers;
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

// ---- fixtures -----------------------------------------------------------------------------------

/** Makes the test app listen on a loopback port (again after a restart); returns ws://host:port. */
export async function listen(t: TestApp): Promise<string> {
  if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return `ws://127.0.0.1:${port}`;
}

export function roomUrl(base: string, joinToken: string): string {
  return `${base}/api/rooms/${joinToken}/ws`;
}

/** A quick conference (open for 24 h from now) organized by the member with this cookie. */
export async function quickMeeting(
  t: TestApp,
  cookie: string,
  body: object = {},
): Promise<{ id: string; token: string; password: string | null }> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/meetings/quick',
    headers: { cookie },
    payload: body,
  });
  if (response.statusCode !== 201) throw new Error(`quick meeting: ${response.body}`);
  const meeting = response.json<Meeting>();
  const token = meeting.joinUrl.split('/m/')[1];
  if (!token) throw new Error(`no join token in ${meeting.joinUrl}`);
  return { id: meeting.id, token, password: meeting.password };
}

/** Passes the lobby as a guest; returns the guest token (the bearer for the room). */
export async function guestToken(
  t: TestApp,
  joinToken: string,
  displayName: string,
  extra: { cookie?: string; password?: string } = {},
): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/api/join/${joinToken}`,
    headers: extra.cookie ? { cookie: extra.cookie } : {},
    payload: { displayName, ...(extra.password ? { password: extra.password } : {}) },
  });
  const reply = response.json<{ token: string | null }>();
  if (response.statusCode !== 201 || !reply.token) throw new Error(`join: ${response.body}`);
  return reply.token;
}
