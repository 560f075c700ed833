/**
 * The embedded backend: a full mesh where every browser connects to every other one and the
 * server only relays their offers, answers and ICE candidates. No media server to run; each
 * participant uploads their camera once per peer, hence the room cap.
 */
import type { IceServerConfig, SignalPayload } from '../../shared/signaling.js';
import type { MediaBackend, SignalSink } from './media-backend.js';

export class P2pBackend implements MediaBackend {
  readonly name = 'p2p';

  constructor(
    private readonly sink: SignalSink,
    private readonly cap: () => Promise<number>,
    private readonly ice: (peerId: string) => IceServerConfig[],
  ) {}

  roomCap(): Promise<number> {
    return this.cap();
  }

  iceServers(peerId: string): IceServerConfig[] {
    return this.ice(peerId);
  }

  signal(roomId: string, from: string, to: string, payload: SignalPayload): Promise<void> {
    return this.sink(roomId, to, from, payload);
  }

  async left(): Promise<void> {}
}
