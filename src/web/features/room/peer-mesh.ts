/**
 * The p2p media mesh: one RTCPeerConnection per other participant. Every connection carries
 * three transceivers in a fixed order (audio, camera, screen), so turning the camera off or
 * sharing the screen only swaps a sender's track and never renegotiates. Negotiation follows
 * the "perfect negotiation" pattern (W3C WebRTC examples): the newcomer offers; later offers
 * (ICE restarts) may come from either side, and the polite side yields on a collision.
 */
import {
  MEDIA_PEER_ID,
  peerSignalSchema,
  type BrowserSignal,
  type IceServerConfig,
  type PeerSignal,
  type ServerSignal,
} from '../../../shared/signaling.js';
import {
  candidateInit,
  SLOTS,
  type MediaConnection,
  type MediaListener,
  type Slot,
} from './media-connection.js';
import { newPeerConnection } from './webrtc-warmup.js';

interface Peer {
  pc: RTCPeerConnection;
  polite: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  /** Messages are handled one at a time: a candidate must wait for its description. */
  queue: Promise<void>;
  restartTimer: ReturnType<typeof setTimeout> | null;
  /** How this peer shows our camera; large until it says (a newcomer is everyone's main). */
  showsOurCamera: CameraSize;
  /** What we last told this peer about how we show its camera (null: nothing yet). */
  toldCameraSize: CameraSize | null;
  /** The camera encoding we last set for this peer (null: none yet, or the setting failed). */
  cameraEncoding: CameraEncoding | null;
  /** Settles once the answer to our first offer is applied, or the connection closed. */
  firstAnswer: Promise<void>;
  /** Settles firstAnswer; null once done (or when we were the one answering). */
  answered: (() => void) | null;
}

type CameraSize = 'large' | 'small';

export interface CameraEncoding {
  maxBitrate: number;
  scaleResolutionDownBy: number;
  maxFramerate: number;
}

/**
 * In a mesh each browser uploads its camera once per peer, so the upload is shared out. A peer
 * that shows the camera large gets 720p at up to 1.5 Mbit/s when it is the only one, 360p at
 * 800 kbit/s with two or three peers, 360p at 500 kbit/s with four or more (the choice of p2p
 * products; it also keeps encoding within a laptop's CPU). A peer that shows it as a thumbnail
 * gets THUMBNAIL_ENCODING instead, which saves upload, encoding and the viewer's decoding.
 */
export function cameraEncodingFor(peers: number): CameraEncoding {
  if (peers <= 1) return { maxBitrate: 1_500_000, scaleResolutionDownBy: 1, maxFramerate: 30 };
  if (peers <= 3) return { maxBitrate: 800_000, scaleResolutionDownBy: 2, maxFramerate: 30 };
  return { maxBitrate: 500_000, scaleResolutionDownBy: 2, maxFramerate: 30 };
}

/** A thumbnail is at most 320 pixels wide on a dense screen: a quarter of 720p is enough. */
export const THUMBNAIL_ENCODING: CameraEncoding = {
  maxBitrate: 150_000,
  scaleResolutionDownBy: 4,
  maxFramerate: 15,
};

/** A "disconnected" connection often heals by itself; after this long it gets an ICE restart. */
const DISCONNECTED_GRACE_MS = 2000;

export class PeerMesh implements MediaConnection {
  private readonly peers = new Map<string, Peer>();
  private readonly local: Record<Slot, MediaStreamTrack | null> = {
    audio: null,
    camera: null,
    screen: null,
  };
  /** Remote tracks not yet handed to the listener (deliverTrack). */
  private pendingTracks: {
    peerId: string;
    pc: RTCPeerConnection;
    slot: Slot;
    stream: MediaStream;
  }[] = [];
  /** Whose camera this viewer shows large; undefined until the room first says. */
  private largeCamera: string | null | undefined = undefined;

  constructor(
    private readonly selfId: string,
    private readonly iceServers: IceServerConfig[],
    private readonly send: (to: string, payload: BrowserSignal) => void,
    private readonly listener: MediaListener,
    /** Audio-only: no video sent and none received. */
    private readonly audioOnly: boolean,
  ) {}

  /**
   * As the newcomer: open a connection to someone already in the room and offer.
   * `expectedPeers`: how many connections the newcomer is opening in all. The camera's encoding
   * is set for that count from the start, as everyone shows a newcomer large (the last to
   * connect is the main video) until they say otherwise: changing it once media flows
   * reconfigures the encoder, and the first frame would wait for a new keyframe.
   */
  call(peerId: string, expectedPeers = this.peers.size + 1): void {
    if (this.peers.has(peerId)) return;
    const peer = this.open(peerId);
    peer.firstAnswer = new Promise<void>((resolve) => (peer.answered = resolve));
    for (const slot of SLOTS) {
      const transceiver = peer.pc.addTransceiver(slot === 'audio' ? 'audio' : 'video', {
        direction: this.directionFor(slot),
        ...(slot === 'camera' ? { sendEncodings: [cameraEncodingFor(expectedPeers)] } : {}),
      });
      void transceiver.sender.replaceTrack(this.local[slot]);
    }
    // Offer now rather than in the negotiationneeded task: that task waits behind whatever the
    // page does next, rendering the room (docs/decisions/004-join-keeps-the-page-thread-free.md).
    void this.offer(peerId, peer);
  }

  handle(from: string, payload: ServerSignal): void {
    // Only peers negotiate with us: a media server's notice (reset, layers) is not a peer signal.
    const signal = from === MEDIA_PEER_ID ? undefined : peerSignalSchema.safeParse(payload);
    if (!signal?.success) return;
    const peer = this.peers.get(from) ?? this.open(from);
    peer.queue = peer.queue.then(() => this.apply(peer, signal.data)).catch(() => {});
  }

  /**
   * Whose camera this viewer shows large (null: nobody's). Each peer is told whether we show
   * its camera large or small, so that it encodes for us no more than we show.
   */
  show(peerId: string | null): void {
    this.largeCamera = peerId;
    for (const [id, peer] of this.peers) this.tellCameraSize(id, peer);
  }

  /** Sends `track` in `slot` to everyone (null stops sending it). */
  setTrack(slot: Slot, track: MediaStreamTrack | null): void {
    this.local[slot] = track;
    for (const peer of this.peers.values()) {
      const transceiver = peer.pc.getTransceivers()[SLOTS.indexOf(slot)];
      void transceiver?.sender.replaceTrack(track).catch(() => {});
    }
  }

  /** Settles once every connection we offered on has its first answer applied (or closed). */
  offersAnswered(): Promise<void> {
    return Promise.all([...this.peers.values()].map((peer) => peer.firstAnswer)).then(() => {});
  }

  remove(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    peer.answered?.();
    if (peer.restartTimer) clearTimeout(peer.restartTimer);
    peer.pc.close();
    this.peers.delete(peerId);
    this.shareUpload();
  }

  has(peerId: string): boolean {
    return this.peers.has(peerId);
  }

  /**
   * After our signaling came back: tell every peer again how we show its camera, and restart
   * ICE where media stopped flowing meanwhile.
   */
  restartBroken(): void {
    for (const [peerId, peer] of this.peers) {
      // A camera size sent while our socket was down was lost: say it again.
      peer.toldCameraSize = null;
      this.tellCameraSize(peerId, peer);
      const state = peer.pc.iceConnectionState;
      if (state === 'disconnected' || state === 'failed') peer.pc.restartIce();
    }
  }

  close(): void {
    for (const peerId of [...this.peers.keys()]) this.remove(peerId);
  }

  /** The peer connections, for the stats a test or a diagnostics panel reads. */
  connections(): RTCPeerConnection[] {
    return [...this.peers.values()].map((peer) => peer.pc);
  }

  private open(peerId: string): Peer {
    // Both ends are ours, so all three transceivers share one transport from the first offer:
    // one set of candidates to gather, relay and check instead of one per media kind.
    const pc = newPeerConnection({ iceServers: this.iceServers, bundlePolicy: 'max-bundle' });
    const peer: Peer = {
      pc,
      // Either order works as long as both sides agree; comparing ids needs no extra message.
      polite: this.selfId < peerId,
      makingOffer: false,
      ignoreOffer: false,
      queue: Promise.resolve(),
      restartTimer: null,
      showsOurCamera: 'large',
      toldCameraSize: null,
      cameraEncoding: null,
      firstAnswer: Promise.resolve(),
      answered: null,
    };
    this.peers.set(peerId, peer);
    this.tellCameraSize(peerId, peer);

    pc.onnegotiationneeded = () => {
      // An offer already on its way (call()) covers what changed; a later change fires again.
      if (pc.signalingState === 'stable' && !peer.makingOffer) void this.offer(peerId, peer);
    };
    pc.onicecandidate = ({ candidate }) =>
      this.send(peerId, { kind: 'candidate', candidate: candidate && candidateInit(candidate) });
    pc.ontrack = ({ transceiver, track }) => {
      const slot = SLOTS[pc.getTransceivers().indexOf(transceiver)];
      if (slot) this.deliverTrack(peerId, pc, slot, new MediaStream([track]));
    };
    pc.onconnectionstatechange = () => {
      // Encodings exist once negotiated: the peer count may have changed meanwhile.
      if (pc.connectionState === 'connected') this.shareUpload();
    };
    pc.oniceconnectionstatechange = () => this.watchIce(peer);
    return peer;
  }

  private async offer(peerId: string, peer: Peer): Promise<void> {
    const { pc } = peer;
    try {
      peer.makingOffer = true;
      await pc.setLocalDescription();
      if (pc.localDescription) this.send(peerId, descriptionOf(pc));
    } catch {
      // The connection closed meanwhile, or a collision the other side resolves.
    } finally {
      peer.makingOffer = false;
    }
  }

  private async apply(peer: Peer, payload: PeerSignal): Promise<void> {
    switch (payload.kind) {
      case 'cameraSize':
        peer.showsOurCamera = payload.size;
        return this.shareUpload();
      case 'description':
        return this.applyDescription(peer, payload.description);
      case 'candidate':
        if (!payload.candidate) return;
        try {
          await peer.pc.addIceCandidate(payload.candidate);
        } catch (error) {
          if (!peer.ignoreOffer) throw error;
        }
        return;
      default:
        return payload satisfies never;
    }
  }

  private async applyDescription(
    peer: Peer,
    description: Extract<PeerSignal, { kind: 'description' }>['description'],
  ): Promise<void> {
    const { pc } = peer;
    const collision =
      description.type === 'offer' && (peer.makingOffer || pc.signalingState !== 'stable');
    peer.ignoreOffer = !peer.polite && collision;
    if (peer.ignoreOffer) return;
    await pc.setRemoteDescription(description);
    if (description.type === 'answer') {
      peer.answered?.();
      peer.answered = null;
      return;
    }
    this.answerWithOurTracks(pc);
    // Before media flows (see call()): the encoder starts with its final settings.
    this.shareUpload();
    await pc.setLocalDescription();
    this.send(this.idOf(peer), descriptionOf(pc));
  }

  /**
   * The answering side's transceivers come from the offer: give them our direction and tracks.
   * The answer depends on the direction only, so it need not wait for the tracks.
   */
  private answerWithOurTracks(pc: RTCPeerConnection): void {
    const transceivers = pc.getTransceivers();
    SLOTS.forEach((slot, index) => {
      const transceiver = transceivers[index];
      if (!transceiver || transceiver.currentDirection === 'stopped') return;
      transceiver.direction = this.directionFor(slot);
      if (transceiver.sender.track !== this.local[slot]) {
        transceiver.sender.replaceTrack(this.local[slot]).catch(() => {});
      }
    });
  }

  /**
   * Hands new remote tracks to the room after the current task, all at once. Track events come
   * just before `setRemoteDescription` resolves, and the room's re-render for each would run
   * first (a microtask per event): the answer, or the next description, would wait behind them.
   */
  private deliverTrack(peerId: string, pc: RTCPeerConnection, slot: Slot, stream: MediaStream) {
    this.pendingTracks.push({ peerId, pc, slot, stream });
    if (this.pendingTracks.length > 1) return;
    setTimeout(() => {
      const tracks = this.pendingTracks;
      this.pendingTracks = [];
      for (const { peerId: id, pc: from, slot: which, stream: media } of tracks) {
        // Not for a connection closed meanwhile (the peer left, or the mesh closed).
        if (this.peers.get(id)?.pc === from) this.listener.track(id, which, media);
      }
    }, 0);
  }

  /** Applies each peer's camera encoding: a thumbnail's, or its share of the upload. */
  private shareUpload(): void {
    const peers = [...this.peers.values()];
    const large = cameraEncodingFor(peers.length);
    for (const peer of peers) {
      const wanted = peer.showsOurCamera === 'large' ? large : THUMBNAIL_ENCODING;
      // getParameters() waits for WebRTC's own thread, and this runs on every size message and
      // connection change: only a change is applied
      // (docs/decisions/003-p2p-camera-encoded-per-viewer.md).
      if (peer.cameraEncoding && sameEncoding(peer.cameraEncoding, wanted)) continue;
      const sender = peer.pc.getTransceivers()[SLOTS.indexOf('camera')]?.sender;
      const parameters = sender?.getParameters();
      const encoding = parameters?.encodings[0];
      if (!sender || !parameters || !encoding) continue;
      Object.assign(encoding, wanted);
      // The size is chosen here, per viewer: left to itself, Chromium's encoder starts smaller
      // and takes many seconds to climb back. A slow link lowers the frame rate instead.
      parameters.degradationPreference = 'maintain-resolution';
      peer.cameraEncoding = wanted;
      sender.setParameters(parameters).catch(() => {
        // Not applied (the connection closed, or a renegotiation raced it): try again next time.
        if (peer.cameraEncoding === wanted) peer.cameraEncoding = null;
      });
    }
  }

  /** Tells a peer how we show its camera, once we know and whenever that changes. */
  private tellCameraSize(peerId: string, peer: Peer): void {
    // Audio-only: no camera comes in, so none needs encoding for us.
    if (this.largeCamera === undefined || this.audioOnly) return;
    const size: CameraSize = peerId === this.largeCamera ? 'large' : 'small';
    if (peer.toldCameraSize === size) return;
    peer.toldCameraSize = size;
    this.send(peerId, { kind: 'cameraSize', size });
  }

  private directionFor(slot: Slot): RTCRtpTransceiverDirection {
    return this.audioOnly && slot !== 'audio' ? 'inactive' : 'sendrecv';
  }

  private watchIce(peer: Peer): void {
    const state = peer.pc.iceConnectionState;
    if (peer.restartTimer) clearTimeout(peer.restartTimer);
    peer.restartTimer = null;
    if (state === 'failed') peer.pc.restartIce();
    if (state === 'disconnected') {
      peer.restartTimer = setTimeout(() => {
        peer.restartTimer = null;
        if (peer.pc.iceConnectionState === 'disconnected') peer.pc.restartIce();
      }, DISCONNECTED_GRACE_MS);
    }
  }

  private idOf(peer: Peer): string {
    for (const [id, candidate] of this.peers) if (candidate === peer) return id;
    return '';
  }
}

function sameEncoding(a: CameraEncoding, b: CameraEncoding): boolean {
  return (
    a.maxBitrate === b.maxBitrate &&
    a.scaleResolutionDownBy === b.scaleResolutionDownBy &&
    a.maxFramerate === b.maxFramerate
  );
}

function descriptionOf(pc: RTCPeerConnection): PeerSignal {
  const description = pc.localDescription;
  if (!description || (description.type !== 'offer' && description.type !== 'answer')) {
    throw new Error('no local offer or answer');
  }
  return { kind: 'description', description: { type: description.type, sdp: description.sdp } };
}
