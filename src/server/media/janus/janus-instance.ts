/**
 * One Janus server as our node sees it: a janode connection and session over its WebSocket
 * API (opened on first use, opened again after it closed), whether it is up, and how many
 * publishers we placed on it. The API secret goes to janode only; janode's own logger is
 * silenced so that nothing it prints can carry it.
 */
import Janode, { type JanodeSession } from 'janode';
import VideoRoomPlugin, { type VideoRoomHandle } from 'janode/plugins/videoroom';
import type { InstanceLoad } from './room-placement.js';

Janode.Logger.setLevel('none');

export type JanusLog = { warn(obj: object, msg: string): void };

/** Janus requests that take longer are given up (janode itself waits forever). */
export const JANUS_REQUEST_TIMEOUT_MS = 5000;

export class JanusInstance implements InstanceLoad {
  up = true;
  publishers = 0;
  private session: Promise<JanodeSession> | null = null;

  constructor(
    readonly url: string,
    private readonly apiSecret: string | undefined,
    private readonly log: JanusLog,
  ) {}

  /** A new VideoRoom handle on this instance's session. */
  async attach(): Promise<VideoRoomHandle> {
    const session = await this.connect();
    return withTimeout(session.attach<VideoRoomHandle>(VideoRoomPlugin), 'attach');
  }

  async close(): Promise<void> {
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
    const address = this.apiSecret
      ? { url: this.url, apisecret: this.apiSecret }
      : { url: this.url };
    const connection = await withTimeout(
      Janode.connect({ address, retry_time_secs: 1, max_retries: 1 }),
      'connect',
    );
    connection.once(Janode.EVENT.CONNECTION_CLOSED, () => this.markDown('connection closed'));
    connection.once(Janode.EVENT.CONNECTION_ERROR, (error: unknown) => this.markDown(error));
    const session = await withTimeout(connection.create(), 'create session');
    session.once(Janode.EVENT.SESSION_DESTROYED, () => this.markDown('session destroyed'));
    this.up = true;
    return session;
  }

  private markDown(reason: unknown): void {
    if (this.session) this.log.warn({ janus: this.url, reason: String(reason) }, 'Janus is down');
    // Placement skips it; when every instance is down the next room tries again anyway.
    // Moving its rooms to another instance is a later step.
    this.up = false;
    this.session = null;
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
