/**
 * What the room needs from a media backend. Browsers speak only our signaling protocol; the
 * backend decides where their negotiation messages go: p2p relays them to the addressed peer,
 * an SFU answers them itself. The room UI never knows which one runs.
 */
import type {
  IceServerConfig,
  MediaRequest,
  PeerSignal,
  ServerSignal,
} from '../../shared/signaling.js';

/** Delivers a negotiation message to one participant, wherever their connection is. */
export type SignalSink = (
  roomId: string,
  to: string,
  from: string,
  payload: ServerSignal,
) => Promise<void>;

/** A request the media backend cannot take: the sender gets `MEDIA_ERROR`, the room goes on. */
export class MediaRequestError extends Error {}

/** The media servers a backend spreads rooms over, and how many of them answer now. */
export interface MediaServers {
  up: number;
  total: number;
}

export interface MediaBackend {
  readonly name: string;
  /** How many participants one room may hold with this backend (read on every join). */
  roomCap(): Promise<number>;
  /** The STUN/TURN servers a participant's browser should use. */
  iceServers(peerId: string): IceServerConfig[];
  /** p2p: a participant's message for another one, delivered as is. An SFU refuses it. */
  relay(roomId: string, from: string, to: string, signal: PeerSignal): Promise<void>;
  /** SFU: a participant's request to the media server. p2p has none and refuses it. */
  request(roomId: string, from: string, request: MediaRequest): Promise<void>;
  /**
   * SFU backends: a host muted (`muted: true`) someone's microphone or camera, which the media
   * server then stops forwarding whatever their page sends; `false` when that person turns it
   * on again themselves (nothing to do unless a host had muted it). p2p has none: there the
   * muted page stops sending itself (docs/protocol.md says so).
   */
  moderate?(roomId: string, peerId: string, what: 'audio' | 'video', muted: boolean): Promise<void>;
  /** A participant left for good: free what the backend holds for them. */
  left(roomId: string, peerId: string): Promise<void>;
  /**
   * A participant's page now reaches the media server through another app node (it resumed
   * there): free what this node holds for them; they are still in the room.
   */
  movedAway?(roomId: string, peerId: string): Promise<void>;
  /** The server is shutting down: end sessions and processes the backend runs (SFU backends). */
  close?(): Promise<void>;
  /** SFU backends: their servers and how many are up (for /metrics). */
  mediaServers?(): MediaServers;
}
