/**
 * What the room asks of its media, whichever backend the welcome names: the p2p mesh
 * (PeerMesh, one connection per other participant) or an SFU (SfuConnection, one connection to
 * publish and one to receive). RoomSession talks to this interface only, so the room's UI does
 * not change with the backend.
 */
import type {
  BrowserSignal,
  IceCandidate,
  IceServerConfig,
  ServerSignal,
} from '../../../shared/signaling.js';

/** What a participant sends, in this order on every connection that carries all three. */
export const SLOTS = ['audio', 'camera', 'screen'] as const;
export type Slot = (typeof SLOTS)[number];

export interface MediaListener {
  /** A remote track for a slot arrived (or was replaced). */
  track(peerId: string, slot: Slot, stream: MediaStream): void;
}

export interface MediaConnection {
  /**
   * As the newcomer, reach someone already in the room. `expectedPeers`: how many the newcomer
   * reaches in all (the mesh sizes its camera encoding for it; an SFU ignores the call, as the
   * server subscribes everyone to whoever publishes).
   */
  call(peerId: string, expectedPeers: number): void;
  /** A negotiation message from a peer or the media server; each backend ignores the other's kinds. */
  handle(from: string, payload: ServerSignal): void;
  /** Sends `track` in `slot` to everyone (null stops sending it); never renegotiates. */
  setTrack(slot: Slot, track: MediaStreamTrack | null): void;
  /** Whose camera this viewer shows large (null: nobody's), so that only that one comes large. */
  show(peerId: string | null): void;
  /**
   * Settles once the offers made on joining are answered: from then on, media only waits for
   * ICE and DTLS, off the page's main thread. At once where the server leads negotiation.
   */
  offersAnswered(): Promise<void>;
  /** Someone left: stop receiving from them. */
  remove(peerId: string): void;
  /** After our signaling came back: say again what was lost, restart ICE where media broke. */
  restartBroken(): void;
  close(): void;
  /** The peer connections, for stats (diagnostics and end-to-end tests). */
  connections(): RTCPeerConnection[];
}

/** Both backends are built alike from the welcome. */
export type MediaConnectionClass = new (
  selfId: string,
  iceServers: IceServerConfig[],
  send: (to: string, payload: BrowserSignal) => void,
  listener: MediaListener,
  /** Audio-only: no video sent and none received. */
  audioOnly: boolean,
) => MediaConnection;

/** A local ICE candidate as our signaling carries it. */
export function candidateInit(candidate: RTCIceCandidate): IceCandidate {
  const { sdpMid, sdpMLineIndex, usernameFragment } = candidate;
  return { candidate: candidate.candidate, sdpMid, sdpMLineIndex, usernameFragment };
}
