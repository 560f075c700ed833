/**
 * A synthetic participant on the p2p backend, as peer-mesh.ts is for a browser: one connection
 * per other participant with three transceivers in the mesh's order (audio, camera, screen).
 * As the newcomer it offers to everyone already there; others' offers are answered. One camera
 * layer (640x360, what browsers send in a mesh of more than two) whatever the peer's
 * `cameraSize`. On colliding offers the side whose id sorts first yields (perfect negotiation).
 */
import type { RoomParticipant, ServerSignal } from '../../src/shared/signaling.js';
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { addUp, type MediaOptions, type MediaSession } from './media-session.js';
import type { RtpLoop, RtpLoopStats } from './rtp-loop.js';
import {
  countIncoming,
  newPeerConnection,
  onLocalCandidate,
  sendThroughSender,
} from './webrtc-peer.js';

interface Peer {
  pc: RTCPeerConnection;
  polite: boolean;
  /** We made the first offer: ours to restart ICE when the connection fails. */
  offerer: boolean;
  iceRestarts: number;
  /** Its failure was reported (once is enough). */
  reported: boolean;
  loops: RtpLoop[];
  /** The clips are going out (from the first time the connection is up). */
  sending: boolean;
  /** One message at a time: a candidate never overtakes its description. */
  queue: Promise<void>;
}

type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** As browsers do (peer-mesh.ts), a failed connection gets ICE restarts, this many at most. */
const MAX_ICE_RESTARTS = 2;
/** A connection still not up this long after it failed is reported. */
const RECOVERY_MS = 15_000;

export class MeshMedia implements MediaSession {
  private readonly peers = new Map<string, Peer>();
  /** Loops of connections already closed, still counted in what was sent. */
  private readonly done: RtpLoopStats[] = [];
  private closed = false;

  constructor(private readonly options: MediaOptions) {}

  /** The newcomer offers to everyone already in the room. */
  start(participants: RoomParticipant[]): void {
    for (const { peerId } of participants) {
      if (peerId === this.options.selfId) continue;
      const peer = this.open(peerId);
      peer.offerer = true;
      const kinds = ['audio', 'video', 'video'] as const;
      this.directions().forEach((direction, i) => peer.pc.addTransceiver(kinds[i]!, { direction }));
      this.enqueue(peerId, peer, () => this.offer(peerId, peer, false));
    }
  }

  /** Those already in the room wait for the newcomer's offer. */
  joined(): void {}

  left(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.peers.delete(peerId);
    this.retire(peer);
  }

  /** Their new connection's offer comes as a newcomer's does. */
  restarted(peerId: string): void {
    this.left(peerId);
  }

  handle(from: string, signal: ServerSignal): void {
    if (this.closed) return;
    const peer = this.peers.get(from) ?? this.open(from);
    this.enqueue(from, peer, () => this.apply(from, peer, signal));
  }

  sent(): RtpLoopStats {
    const live = [...this.peers.values()].flatMap((peer) => peer.loops);
    return addUp([...live, ...this.done.map((stats) => ({ stats }))]);
  }

  async close(): Promise<void> {
    this.closed = true;
    const peers = [...this.peers.values()];
    this.peers.clear();
    await Promise.all(peers.map((peer) => this.retire(peer)));
  }

  /** audio, camera, screen: sent where we send, received where we subscribe. */
  private directions(): Direction[] {
    const receive = this.options.subscribe === 'all';
    const sendOnly = receive ? 'sendrecv' : 'sendonly';
    const none = receive ? 'recvonly' : 'inactive';
    return [sendOnly, this.options.video ? sendOnly : none, none];
  }

  private open(peerId: string): Peer {
    const pc = newPeerConnection(this.options.iceServers);
    const peer: Peer = {
      pc,
      polite: this.options.selfId < peerId,
      offerer: false,
      iceRestarts: 0,
      reported: false,
      loops: [],
      sending: false,
      queue: Promise.resolve(),
    };
    this.peers.set(peerId, peer);
    countIncoming(pc, this.options.counter);
    onLocalCandidate(pc, (candidate) =>
      this.options.send(peerId, { kind: 'candidate', candidate }),
    );
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') this.up(peer);
      if (state === 'failed' && this.peers.get(peerId) === peer) this.failed(peerId, peer);
    });
    return peer;
  }

  private up(peer: Peer): void {
    this.options.onConnected();
    if (peer.sending || peer.loops.length === 0) return;
    peer.sending = true;
    for (const loop of peer.loops) loop.start();
  }

  /** Restarts ICE from the offering side (a browser peer restarts by itself), then waits. */
  private failed(peerId: string, peer: Peer): void {
    if (peer.offerer && peer.iceRestarts < MAX_ICE_RESTARTS) {
      peer.iceRestarts += 1;
      this.enqueue(peerId, peer, () => this.offer(peerId, peer, true));
    }
    setTimeout(() => {
      const down = this.peers.get(peerId) === peer && peer.pc.connectionState !== 'connected';
      if (down && !peer.reported) {
        peer.reported = true;
        this.options.onProblem(`p2p ${peerId}: failed (${peer.iceRestarts} ICE restarts)`);
      }
    }, RECOVERY_MS).unref();
  }

  private enqueue(peerId: string, peer: Peer, step: () => Promise<void>): void {
    peer.queue = peer.queue
      .then(step)
      .catch((error: unknown) => this.options.onProblem(`p2p ${peerId}: ${String(error)}`));
  }

  private async offer(peerId: string, peer: Peer, iceRestart: boolean): Promise<void> {
    const offer = await peer.pc.createOffer({ iceRestart });
    await peer.pc.setLocalDescription(offer);
    this.options.send(peerId, {
      kind: 'description',
      description: { type: 'offer', sdp: peer.pc.localDescription?.sdp ?? offer.sdp },
    });
  }

  private async apply(peerId: string, peer: Peer, signal: ServerSignal): Promise<void> {
    const { pc } = peer;
    if (signal.kind === 'candidate') {
      if (signal.candidate) await pc.addIceCandidate(signal.candidate).catch(() => {});
      return;
    }
    if (signal.kind !== 'description') return;
    const { description } = signal;
    if (description.type === 'answer') {
      if (pc.signalingState === 'have-local-offer') {
        await pc.setRemoteDescription(description);
        this.attach(peer);
      }
      return;
    }
    if (pc.signalingState === 'have-local-offer') {
      if (!peer.polite) return;
      await pc.setLocalDescription({ type: 'rollback' });
    }
    await pc.setRemoteDescription(description);
    const directions = this.directions();
    pc.getTransceivers().forEach((transceiver, index) =>
      transceiver.setDirection(directions[index] ?? 'inactive'),
    );
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.attach(peer);
    this.options.send(peerId, {
      kind: 'description',
      description: { type: 'answer', sdp: pc.localDescription?.sdp ?? answer.sdp },
    });
  }

  /** Once negotiated: the clips on the audio and camera transceivers (once per connection). */
  private attach(peer: Peer): void {
    if (peer.loops.length > 0) return;
    const [audio, camera] = peer.pc.getTransceivers() as (RTCRtpTransceiver | undefined)[];
    const { clips, video } = this.options;
    if (audio) peer.loops.push(sendThroughSender(audio, clips.audio));
    if (camera && video) peer.loops.push(sendThroughSender(camera, clips.camera.m));
    if (peer.pc.connectionState === 'connected') this.up(peer);
  }

  private async retire(peer: Peer): Promise<void> {
    for (const loop of peer.loops) {
      loop.stop();
      this.done.push({ ...loop.stats });
    }
    peer.loops = [];
    await peer.pc.close();
  }
}
