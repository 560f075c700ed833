/**
 * The embedded backend: a full mesh where every browser connects to every other one and the
 * server only relays their offers, answers and ICE candidates. No media server to run; each
 * participant uploads their camera once per peer, hence the room cap.
 */
import type { IceServerConfig, PeerSignal } from '../../shared/signaling.js';
import { MediaRequestError, type MediaBackend, type SignalSink } from './media-backend.js';

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

  relay(roomId: string, from: string, to: string, signal: PeerSignal): Promise<void> {
    return this.sink(roomId, to, from, signal);
  }

  request(): Promise<void> {
    return Promise.reject(new MediaRequestError('A p2p room has no media server.'));
  }

  async left(): Promise<void> {}
}
