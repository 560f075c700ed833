/**
 * A synthetic participant on the Janus backend, as sfu-connection.ts is for a browser: one
 * publish connection (the microphone clip, and the camera clip in three simulcast layers with
 * rids h, m, l) and, with `subscribe: all`, one subscribe connection answering every offer of
 * the `media` pseudo-peer. It follows `cameraLayers` (paused layers stop being sent) and shows
 * large the latest other participant to join, as the web client does by default.
 */
import {
  MEDIA_PEER_ID,
  mediaNoticeSchema,
  type MediaNotice,
  type RoomParticipant,
  type ServerSignal,
} from '../../src/shared/signaling.js';
import type { RTCPeerConnection } from 'werift';
import type { CameraLayerName } from './media-clip.js';
import { addUp, type MediaOptions, type MediaSession } from './media-session.js';
import type { RtpLoop, RtpLoopStats } from './rtp-loop.js';
import {
  connected,
  countIncoming,
  newPeerConnection,
  onLocalCandidate,
  sendSimulcast,
  sendThroughSender,
} from './webrtc-peer.js';

const LAYERS: CameraLayerName[] = ['h', 'm', 'l'];

export class SfuMedia implements MediaSession {
  private publisher: RTCPeerConnection | null = null;
  private subscriber: RTCPeerConnection | null = null;
  private audio: RtpLoop | null = null;
  private camera = new Map<CameraLayerName, RtpLoop>();
  /** Loops of connections closed by a reset, still counted in what was sent. */
  private readonly done: RtpLoopStats[] = [];
  private queue = Promise.resolve();
  /** Others by joining time, for the default main video (the latest one). */
  private readonly others = new Map<string, string>();
  private main: string | null | undefined = undefined;
  private closed = false;

  constructor(private readonly options: MediaOptions) {}

  start(participants: RoomParticipant[]): void {
    for (const p of participants) this.joined(p);
    this.publish();
  }

  joined(participant: RoomParticipant): void {
    if (participant.peerId === this.options.selfId) return;
    this.others.set(participant.peerId, participant.joinedAt);
    this.view();
  }

  left(peerId: string): void {
    this.others.delete(peerId);
    this.view();
  }

  /** The server subscribes us to their new publish connection by itself. */
  restarted(): void {}

  handle(from: string, signal: ServerSignal): void {
    // From the media server, only its notices (a peer's message has no place here).
    const notice = mediaNoticeSchema.safeParse(signal);
    if (from !== MEDIA_PEER_ID || !notice.success) return;
    this.queue = this.queue
      .then(() => this.apply(notice.data))
      .catch((error: unknown) => this.options.onProblem(`media: ${String(error)}`));
  }

  sent(): RtpLoopStats {
    const live = [...this.camera.values(), ...(this.audio ? [this.audio] : [])];
    return addUp([...live, ...this.done.map((stats) => ({ stats }))]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.closeConnections();
  }

  private async apply(signal: MediaNotice): Promise<void> {
    if (this.closed) return;
    switch (signal.kind) {
      case 'reset':
        await this.closeConnections();
        this.publish();
        return;
      case 'cameraLayers':
        for (const [rid, loop] of this.camera) loop.setActive(signal.layers.includes(rid));
        return;
      case 'candidate': {
        const pc = signal.connection === 'publish' ? this.publisher : this.subscriber;
        if (pc && signal.candidate) await pc.addIceCandidate(signal.candidate);
        return;
      }
      case 'description':
        if (signal.connection === 'publish' && signal.description.type === 'answer') {
          await this.publisher?.setRemoteDescription(signal.description);
          return void this.startSending(signal.description.sdp);
        }
        if (signal.connection === 'subscribe' && signal.description.type === 'offer') {
          return this.answerSubscription(signal.description.sdp);
        }
        return;
    }
  }

  /** Whom we show large: the latest other participant to join (null for publish-only). */
  private view(): void {
    let main: string | null = null;
    if (this.options.subscribe === 'all') {
      let latest = '';
      for (const [peerId, joinedAt] of this.others) {
        if (joinedAt >= latest) [main, latest] = [peerId, joinedAt];
      }
    }
    if (main === this.main || this.closed) return;
    this.main = main;
    this.options.send(MEDIA_PEER_ID, { kind: 'view', main });
  }

  private publish(): void {
    const { iceServers, video, selfId, send } = this.options;
    const pc = newPeerConnection(iceServers);
    this.publisher = pc;
    pc.addTransceiver('audio', { direction: 'sendonly' });
    if (video) {
      pc.addTransceiver('video', {
        direction: 'sendonly',
        sendEncodings: LAYERS.map((rid) => ({ rid })),
      });
    }
    onLocalCandidate(pc, (candidate) =>
      send(MEDIA_PEER_ID, { kind: 'candidate', connection: 'publish', candidate }),
    );
    connected(pc).then(this.options.onConnected, (error: unknown) =>
      this.options.onProblem(`publish: ${String(error)}`),
    );
    void (async () => {
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      const slots = ['audio', 'camera'] as const;
      send(MEDIA_PEER_ID, {
        kind: 'description',
        connection: 'publish',
        description: { type: 'offer', sdp: withoutSsrc(pc.localDescription?.sdp ?? offer.sdp) },
        streams: pc.getTransceivers().map((t, i) => ({
          mid: t.mid ?? String(i),
          peerId: selfId,
          slot: slots[i] ?? 'camera',
        })),
      });
    })().catch((error: unknown) => this.options.onProblem(`publish offer: ${String(error)}`));
  }

  /** Janus answered: once the path is up, the clips go out. */
  private startSending(answerSdp: string): void {
    const pc = this.publisher;
    if (!pc) return;
    const [audio, camera] = pc.getTransceivers();
    const { clips } = this.options;
    if (audio) this.audio = sendThroughSender(audio, clips.audio);
    if (camera) {
      this.camera = sendSimulcast(
        camera,
        answerSdp,
        LAYERS.map((rid) => [rid, clips.camera[rid]]),
      );
    }
    void connected(pc).then(
      () => {
        if (this.publisher !== pc) return;
        this.audio?.start();
        for (const loop of this.camera.values()) loop.start();
      },
      () => {},
    );
  }

  private async answerSubscription(sdp: string): Promise<void> {
    if (this.options.subscribe === 'none') return;
    let pc = this.subscriber;
    if (!pc) {
      pc = newPeerConnection(this.options.iceServers);
      this.subscriber = pc;
      countIncoming(pc, this.options.counter);
      onLocalCandidate(pc, (candidate) =>
        this.options.send(MEDIA_PEER_ID, { kind: 'candidate', connection: 'subscribe', candidate }),
      );
    }
    await pc.setRemoteDescription({ type: 'offer', sdp });
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.currentDirection !== 'stopped') transceiver.setDirection('recvonly');
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    this.options.send(MEDIA_PEER_ID, {
      kind: 'description',
      connection: 'subscribe',
      description: { type: 'answer', sdp: pc.localDescription?.sdp ?? answer.sdp },
    });
  }

  private async closeConnections(): Promise<void> {
    for (const loop of [...this.camera.values(), ...(this.audio ? [this.audio] : [])]) {
      loop.stop();
      this.done.push({ ...loop.stats });
    }
    this.camera = new Map();
    this.audio = null;
    const pcs = [this.publisher, this.subscriber];
    this.publisher = null;
    this.subscriber = null;
    await Promise.all(pcs.map((pc) => pc?.close()));
  }
}

/**
 * The camera's m-section without werift's `a=ssrc` line: its layers go out under SSRCs of
 * their own (sendSimulcast), which Janus learns from their rid, as with a browser's offer.
 */
function withoutSsrc(sdp: string): string {
  return sdp
    .split(/(?=\r\nm=)/)
    .map((section) =>
      section.includes('a=simulcast:') ? section.replace(/\r\na=ssrc:[^\r]*/g, '') : section,
    )
    .join('');
}
