/**
 * One Janus server as our node sees it: a janode connection and session over its WebSocket
 * API (opened on first use, opened again after it closed) and whether it is up. The API secret goes to janode only; janode's own logger is
 * silenced so that nothing it prints can carry it.
 *
 * It is down from the moment its connection closes (a crash closes it at once; janode's
 * WebSocket pings close it within 15 s when Janus hangs) or cannot be opened. While down it is
 * tried again every few seconds; the owner hears of each change (`onChange`) and moves rooms.
 */
import Janode, { type JanodeSession } from 'janode';
import VideoRoomPlugin, { type VideoRoomHandle } from 'janode/plugins/videoroom';

Janode.Logger.setLevel('none');

export type JanusLog = { warn(obj: object, msg: string): void };

/** Janus requests that take longer are given up (janode itself waits forever). */
export const JANUS_REQUEST_TIMEOUT_MS = 5000;
/** How often a down instance is tried again. */
export const JANUS_RETRY_MS = 3000;

export class JanusInstance {
  up = true;
  private session: Promise<JanodeSession> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Counts connections, so that a late event of a replaced one changes nothing. */
  private generation = 0;

  constructor(
    readonly url: string,
    private readonly apiSecret: string | undefined,
    private readonly log: JanusLog,
    /** Called when this instance goes down or comes back up. */
    private readonly onChange: (instance: JanusInstance) => void = () => {},
  ) {}

  /** A new VideoRoom handle on this instance's session. */
  async attach(): Promise<VideoRoomHandle> {
    const session = await this.connect();
    return withTimeout(session.attach<VideoRoomHandle>(VideoRoomPlugin), 'attach');
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const session = this.session;
    this.session = null;
    await session?.then((s) => withTimeout(s.destroy(), 'destroy session')).catch(() => {});
  }

  private connect(): Promise<JanodeSession> {
    this.session ??= this.open().catch((error: unknown) => {
      this.markDown(error);
      throw error;
    });
    return this.session;
  }

  private async open(): Promise<JanodeSession> {
    const generation = this.generation;
    const down = (reason: unknown) => {
      if (generation === this.generation) this.markDown(reason);
    };
    const address = this.apiSecret
      ? { url: this.url, apisecret: this.apiSecret }
      : { url: this.url };
    const connection = await withTimeout(
      Janode.connect({ address, retry_time_secs: 1, max_retries: 1 }),
      'connect',
    );
    connection.once(Janode.EVENT.CONNECTION_CLOSED, () => down('connection closed'));
    connection.once(Janode.EVENT.CONNECTION_ERROR, (error: unknown) => down(error));
    const session = await withTimeout(connection.create(), 'create session');
    session.once(Janode.EVENT.SESSION_DESTROYED, () => down('session destroyed'));
    if (!this.up) {
      this.up = true;
      this.log.warn({ janus: this.url }, 'Janus is up again');
      this.onChange(this);
    }
    return session;
  }

  private markDown(reason: unknown): void {
    this.generation += 1;
    this.session = null;
    if (this.closed) return;
    this.scheduleRetry();
    if (!this.up) return;
    this.log.warn({ janus: this.url, reason: String(reason) }, 'Janus is down');
    // Placement skips it; its rooms are gone with it.
    this.up = false;
    this.onChange(this);
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed && !this.up) this.connect().catch(() => {});
    }, JANUS_RETRY_MS);
    this.retryTimer.unref();
  }
}

export function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Janus ${what} took over ${JANUS_REQUEST_TIMEOUT_MS} ms`)),
      JANUS_REQUEST_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
