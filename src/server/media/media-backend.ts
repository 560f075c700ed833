/**
 * What the room needs from a media backend. Browsers speak only our signaling protocol; the
 * backend decides where their negotiation messages go: p2p relays them to the addressed peer,
 * an SFU answers them itself. The room UI never knows which one runs.
 */
import type { IceServerConfig, SignalPayload } from '../../shared/signaling.js';

/** Delivers a negotiation message to one participant, wherever their connection is. */
export type SignalSink = (
  roomId: string,
  to: string,
  from: string,
  payload: SignalPayload,
) => Promise<void>;

export interface MediaBackend {
  readonly name: string;
  /** How many participants one room may hold with this backend (read on every join). */
  roomCap(): Promise<number>;
  /** The STUN/TURN servers a participant's browser should use. */
  iceServers(peerId: string): IceServerConfig[];
  /** A participant's negotiation message addressed to `to` (a peer id, or the backend). */
  signal(roomId: string, from: string, to: string, payload: SignalPayload): Promise<void>;
  /** A participant left for good: free what the backend holds for them. */
  left(roomId: string, peerId: string): Promise<void>;
  /** The server is shutting down: end sessions and processes the backend runs (SFU backends). */
  close?(): Promise<void>;
}
