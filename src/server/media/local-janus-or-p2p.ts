import type { IceServerConfig, MediaRequest, PeerSignal } from '../../shared/signaling.js';
import type { JanusBackend } from './janus/janus-backend.js';
import type { LocalJanus } from './janus/local-janus.js';
import type { MediaBackend, MediaServers } from './media-backend.js';
import type { P2pBackend } from './p2p.js';

type Log = { info(msg: string): void };

/**
 * MEDIA=auto with `janus` installed: the local Janus once it answers, p2p for good when it
 * cannot start. A join waits for that outcome (at most LocalJanus's start timeout, 15 s):
 * RoomHub awaits `roomCap()` before it tells the browser `name`, so no room mixes backends.
 * A Janus that dies later is started again by LocalJanus; its rooms lose media until then.
 */
export class LocalJanusOrP2p implements MediaBackend {
  private current: MediaBackend;
  private readonly settled: Promise<void>;

  constructor(
    private readonly janus: JanusBackend,
    local: LocalJanus,
    p2p: P2pBackend,
    log: Log,
  ) {
    this.current = janus;
    this.settled = local.url.then(
      () => {},
      async () => {
        this.current = p2p;
        log.info('media: p2p (the local Janus did not start)');
        await janus.close().catch(() => {});
      },
    );
  }

  get name(): string {
    return this.current.name;
  }

  async roomCap(): Promise<number> {
    await this.settled;
    return this.current.roomCap();
  }

  iceServers(peerId: string): IceServerConfig[] {
    return this.current.iceServers(peerId);
  }

  relay(roomId: string, from: string, to: string, signal: PeerSignal): Promise<void> {
    return this.current.relay(roomId, from, to, signal);
  }

  request(roomId: string, from: string, request: MediaRequest): Promise<void> {
    return this.current.request(roomId, from, request);
  }

  left(roomId: string, peerId: string): Promise<void> {
    return this.current.left(roomId, peerId);
  }

  close(): Promise<void> {
    return this.janus.close();
  }

  /** None once p2p took over. */
  mediaServers(): MediaServers {
    return this.current.mediaServers?.() ?? { up: 0, total: 0 };
  }
}
