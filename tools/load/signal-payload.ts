/**
 * The `signal` payloads synthetic participants send and read, as a union tagged by `kind` (the
 * shape the shared contract is moving to), and their translation to and from the wire as the
 * server speaks it today (`SignalPayload` in src/shared/signaling.ts, told apart by its fields).
 * Every payload the load tool builds or matches goes through this file: once the shared contract
 * carries `kind`, this union becomes its type and the two translations become the identity.
 */
import type {
  CameraLayer,
  SfuConnectionKind,
  SfuStream,
  SignalPayload,
} from '../../src/shared/signaling.js';

export interface CandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export interface Description {
  type: 'offer' | 'answer';
  sdp: string;
}

export type LoadSignal =
  | {
      kind: 'description';
      /** SFU only; absent between p2p peers. */
      connection?: SfuConnectionKind;
      description: Description;
      /** On the server's subscribe offers and our publish offer. */
      streams?: SfuStream[];
    }
  | { kind: 'candidate'; connection?: SfuConnectionKind; candidate: CandidateInit | null }
  /** To media: whose camera this viewer shows large. */
  | { kind: 'view'; main: string | null }
  /** To media: the subscribe connection lost its path. */
  | { kind: 'iceRestart' }
  /** From media: the room moved; start both connections again. */
  | { kind: 'reset' }
  /** From media: the camera layers to keep sending. */
  | { kind: 'cameraLayers'; layers: CameraLayer[] }
  /** p2p peer to peer: how the sender shows the receiver's camera. */
  | { kind: 'cameraSize'; size: 'large' | 'small' };

/** The payload as the server parses it today. */
export function toWire(signal: LoadSignal): SignalPayload {
  switch (signal.kind) {
    case 'description':
      return {
        description: signal.description,
        ...(signal.connection ? { connection: signal.connection } : {}),
        ...(signal.streams ? { streams: signal.streams } : {}),
      };
    case 'candidate':
      return {
        candidate: signal.candidate,
        ...(signal.connection ? { connection: signal.connection } : {}),
      };
    case 'view':
      return { connection: 'subscribe', view: { main: signal.main } };
    case 'iceRestart':
      return { connection: 'subscribe', iceRestart: true };
    case 'reset':
      return { reset: true };
    case 'cameraLayers':
      return { connection: 'publish', cameraLayers: signal.layers };
    case 'cameraSize':
      return { cameraSize: signal.size };
  }
}

/** A payload as the server sends it today, tagged. */
export function fromWire(payload: SignalPayload): LoadSignal {
  if ('description' in payload) return { kind: 'description', ...payload };
  if ('candidate' in payload) return { kind: 'candidate', ...payload };
  if ('view' in payload) return { kind: 'view', main: payload.view.main };
  if ('iceRestart' in payload) return { kind: 'iceRestart' };
  if ('reset' in payload) return { kind: 'reset' };
  if ('cameraLayers' in payload) return { kind: 'cameraLayers', layers: payload.cameraLayers };
  return { kind: 'cameraSize', size: payload.cameraSize };
}
