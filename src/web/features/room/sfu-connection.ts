/**
 * Media through an SFU (the `janus` backend): the same role as PeerMesh, with two
 * RTCPeerConnections whatever the room's size. The **publish** connection sends this
 * participant's microphone, camera and shared screen once, to the media server (the screen's
 * transceiver idles until a share starts); the **subscribe** connection
 * receives everyone else's, one m-line each, as the server offers them (it offers again when
 * someone starts or stops publishing, and says which mid is whose). Both negotiate with the
 * `media` pseudo-peer over our signaling; the browser never talks to the media server's API.
 */
import {
  MEDIA_PEER_ID,
  mediaNoticeSchema,
  type CameraLayer,
  type IceServerConfig,
  type MediaNotice,
  type MediaRequest,
  type ServerSignal,
  type SfuConnectionKind,
  type SfuStream,
} from '../../../shared/signaling.js';
import {
  candidateInit,
  SLOTS,
  type MediaConnection,
  type MediaListener,
  type Slot,
} from './media-connection.js';
import { newPeerConnection } from './webrtc-warmup.js';

/** The publish connection's transceivers, in this order (audio-only: the first one only). */
const PUBLISHED: readonly Slot[] = SLOTS;

/**
 * The camera goes up once in three simulcast layers, full size first (Janus's default rid
 * order, "hml"): the server forwards the full one to whoever shows us large and the quarter
 * one to thumbnails. From a 720p camera: 1280x720, 640x360 and 320x180. The server pauses the
 * full layer while nobody shows us large (`cameraLayers`): most of the encoding and upload.
 */
const CAMERA_LAYERS: RTCRtpEncodingParameters[] = [
  { rid: 'h', maxBitrate: 1_200_000 },
  { rid: 'm', maxBitrate: 400_000, scaleResolutionDownBy: 2 },
  // Thumbnails move at 15 frames a second: half the decoding for every viewer of a large room.
  { rid: 'l', maxBitrate: 120_000, scaleResolutionDownBy: 4, maxFramerate: 15 },
];

export class SfuConnection implements MediaConnection {
  private publisher: RTCPeerConnection;
  private subscriber: RTCPeerConnection | null = null;
  /** What each slot sends, so a reset can start sending it again. */
  private readonly tracks = new Map<Slot, MediaStreamTrack | null>();
  private readonly queues: Record<SfuConnectionKind, Promise<void>> = {
    publish: Promise.resolve(),
    subscribe: Promise.resolve(),
  };
  /** mid -> whose stream the subscribe connection carries there. */
  private streams = new Map<string, SfuStream>();
  /** mid -> "peerId/slot" last handed to the listener, so a re-offer does not reload videos. */
  private readonly shown = new Map<string, string>();
  /** Whom this viewer shows large, as last told to the server (undefined: not yet told). */
  private main: string | null | undefined = undefined;
  private closed = false;
  /** An ICE restart of the subscribe connection was asked for and no offer came since. */
  private subscriberRestartAsked = false;

  constructor(
    private readonly selfId: string,
    private readonly iceServers: IceServerConfig[],
    private readonly send: (to: string, payload: MediaRequest) => void,
    private readonly listener: MediaListener,
    /** Audio-only: no video sent and none received. */
    private readonly audioOnly: boolean,
  ) {
    this.publisher = this.openPublisher();
  }

  /** Nothing to do per participant: the server subscribes us to whoever publishes. */
  call(): void {}

  handle(from: string, payload: ServerSignal): void {
    // Only the media server negotiates with us: a peer's message is not a media notice.
    const notice = from === MEDIA_PEER_ID ? mediaNoticeSchema.safeParse(payload) : undefined;
    if (!notice?.success) return;
    const message = notice.data;
    if (message.kind === 'reset') return this.reset();
    const kind = message.kind === 'cameraLayers' ? 'publish' : message.connection;
    this.queues[kind] = this.queues[kind].then(() => this.apply(message)).catch(() => {});
  }

  /** Sends `track` in `slot` (null stops sending it); never renegotiates. */
  setTrack(slot: Slot, track: MediaStreamTrack | null): void {
    this.tracks.set(slot, track);
    const index = PUBLISHED.indexOf(slot);
    const transceiver = index < 0 ? undefined : this.publisher.getTransceivers()[index];
    if (transceiver && transceiver.receiver.track.kind === (slot === 'audio' ? 'audio' : 'video')) {
      void transceiver.sender.replaceTrack(track).catch(() => {});
    }
  }

  /** The participant this viewer shows large: the server sends their camera in full size. */
  show(peerId: string | null): void {
    // Audio-only viewers receive no video: their choice must not keep anyone's full layer on.
    if (this.audioOnly) peerId = null;
    if (this.main === peerId || this.closed) return;
    this.main = peerId;
    this.send(MEDIA_PEER_ID, { kind: 'view', main: peerId });
  }

  /** Someone left: forget their streams (the server's next offer drops their m-lines). */
  remove(peerId: string): void {
    for (const [mid, stream] of this.streams) {
      if (stream.peerId === peerId) {
        this.streams.delete(mid);
        this.shown.delete(mid);
      }
    }
  }

  /** After our signaling came back: restart ICE on whichever connection broke. */
  restartBroken(): void {
    // A view sent while our socket was down was lost: say it again.
    if (this.main !== undefined && !this.closed) {
      this.send(MEDIA_PEER_ID, { kind: 'view', main: this.main });
    }
    if (isBroken(this.publisher)) this.publisher.restartIce();
    if (this.subscriber && isBroken(this.subscriber)) this.askSubscriberIceRestart();
  }

  close(): void {
    this.closed = true;
    this.publisher.close();
    this.subscriber?.close();
  }

  /** The server leads the negotiation: nothing of ours to wait for, the room shows at once. */
  offersAnswered(): Promise<void> {
    return Promise.resolve();
  }

  /** The publish and subscribe connections, for stats. */
  connections(): RTCPeerConnection[] {
    return this.subscriber ? [this.publisher, this.subscriber] : [this.publisher];
  }

  /** The publish connection: one sending transceiver per slot, offered when it needs to. */
  private openPublisher(): RTCPeerConnection {
    const pc = this.open('publish');
    for (const slot of PUBLISHED) {
      if (slot !== 'audio' && this.audioOnly) continue;
      pc.addTransceiver(this.tracks.get(slot) ?? (slot === 'audio' ? 'audio' : 'video'), {
        direction: 'sendonly',
        ...(slot === 'camera' ? { sendEncodings: CAMERA_LAYERS } : {}),
      });
    }
    // Bound to this connection: one replaced by a reset (after an ICE restart asked for on
    // resuming) must not make the new one offer twice.
    pc.onnegotiationneeded = () => void this.offerToPublish(pc);
    return pc;
  }

  /**
   * The room moved to another media server: both connections start again (the server offers
   * the subscription anew once we publish); what others see of us, and we of them, comes back.
   */
  private reset(): void {
    if (this.closed) return;
    this.publisher.close();
    this.subscriber?.close();
    this.subscriber = null;
    this.subscriberRestartAsked = false;
    this.streams = new Map();
    this.shown.clear();
    this.queues.publish = Promise.resolve();
    this.queues.subscribe = Promise.resolve();
    this.publisher = this.openPublisher();
  }

  private open(kind: SfuConnectionKind): RTCPeerConnection {
    const pc = newPeerConnection({ iceServers: this.iceServers });
    pc.onicecandidate = ({ candidate }) =>
      this.send(MEDIA_PEER_ID, {
        kind: 'candidate',
        connection: kind,
        candidate: candidate && candidateInit(candidate),
      });
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState !== 'failed') return;
      // We offer on the publish connection; on the subscribe one Janus does, when asked.
      if (kind === 'publish') pc.restartIce();
      else this.askSubscriberIceRestart();
    };
    return pc;
  }

  /** Once per broken spell: Janus's next offer (with fresh credentials) ends it. */
  private askSubscriberIceRestart(): void {
    if (this.subscriberRestartAsked || this.closed) return;
    this.subscriberRestartAsked = true;
    this.send(MEDIA_PEER_ID, { kind: 'iceRestart' });
  }

  private async offerToPublish(pc: RTCPeerConnection): Promise<void> {
    if (this.closed || pc !== this.publisher) return;
    await pc.setLocalDescription();
    const offer = pc.localDescription;
    if (offer?.type !== 'offer' || pc !== this.publisher) return;
    // Which mid carries what, so the server can tell others which stream is the screen.
    const streams: SfuStream[] = [];
    pc.getTransceivers().forEach((transceiver, index) => {
      const slot = PUBLISHED[index];
      if (slot && transceiver.mid !== null) {
        streams.push({ mid: transceiver.mid, peerId: this.selfId, slot });
      }
    });
    this.send(MEDIA_PEER_ID, {
      kind: 'description',
      connection: 'publish',
      description: { type: 'offer', sdp: offer.sdp },
      streams,
    });
  }

  /** One message of the media server, after the earlier ones for the same connection. */
  private async apply(payload: Exclude<MediaNotice, { kind: 'reset' }>): Promise<void> {
    if (this.closed) return;
    switch (payload.kind) {
      case 'cameraLayers':
        return this.sendCameraLayers(payload.layers);
      case 'candidate': {
        const pc = payload.connection === 'publish' ? this.publisher : this.subscriber;
        if (payload.candidate && pc) await pc.addIceCandidate(payload.candidate);
        return;
      }
      case 'description':
        if (payload.connection === 'subscribe') return this.answerSubscription(payload);
        if (payload.description.type === 'answer') {
          await this.publisher.setRemoteDescription(payload.description);
        }
        return;
      default:
        return payload satisfies never;
    }
  }

  /** The server offers what we receive (again when publishers come or go): we answer. */
  private async answerSubscription({
    description,
    streams,
  }: Extract<MediaNotice, { kind: 'description' }>): Promise<void> {
    if (description.type !== 'offer') return;
    this.subscriberRestartAsked = false;
    const pc = (this.subscriber ??= this.open('subscribe'));
    await pc.setRemoteDescription(description);
    for (const transceiver of pc.getTransceivers()) {
      const video = transceiver.receiver.track.kind === 'video';
      if (transceiver.currentDirection !== 'stopped') {
        transceiver.direction = this.audioOnly && video ? 'inactive' : 'recvonly';
      }
    }
    await pc.setLocalDescription();
    const answer = pc.localDescription;
    if (answer?.type !== 'answer') return;
    this.send(MEDIA_PEER_ID, {
      kind: 'description',
      connection: 'subscribe',
      description: { type: 'answer', sdp: answer.sdp },
    });
    this.showStreams(pc, streams ?? []);
  }

  /** Encodes only the camera layers the server asks for; the others pause (no renegotiation). */
  private async sendCameraLayers(layers: CameraLayer[]): Promise<void> {
    const camera = this.publisher.getTransceivers()[PUBLISHED.indexOf('camera')];
    if (!camera || camera.receiver.track.kind !== 'video') return;
    const parameters = camera.sender.getParameters();
    let changed = false;
    for (const encoding of parameters.encodings) {
      const active = !encoding.rid || layers.includes(encoding.rid as CameraLayer);
      if (encoding.active !== active) {
        encoding.active = active;
        changed = true;
      }
    }
    if (changed) await camera.sender.setParameters(parameters);
  }

  /** Hands each new or re-assigned remote stream to the listener, by participant and slot. */
  private showStreams(pc: RTCPeerConnection, streams: SfuStream[]): void {
    this.streams = new Map(streams.map((stream) => [stream.mid, stream]));
    for (const mid of [...this.shown.keys()]) if (!this.streams.has(mid)) this.shown.delete(mid);
    for (const transceiver of pc.getTransceivers()) {
      const stream = transceiver.mid === null ? undefined : this.streams.get(transceiver.mid);
      // A stopped transceiver may still hold the mid Janus gave anew to another feed.
      if (!stream || transceiver.mid === null || transceiver.currentDirection === 'stopped') {
        continue;
      }
      const key = `${stream.peerId}/${stream.slot}`;
      if (this.shown.get(transceiver.mid) === key) continue;
      this.shown.set(transceiver.mid, key);
      this.listener.track(
        stream.peerId,
        stream.slot,
        new MediaStream([transceiver.receiver.track]),
      );
    }
  }
}

function isBroken(pc: RTCPeerConnection): boolean {
  return pc.iceConnectionState === 'disconnected' || pc.iceConnectionState === 'failed';
}
