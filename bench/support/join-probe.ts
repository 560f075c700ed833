/**
 * What a page records about its own join, on its own clock (`performance.now()`), installed as
 * an init script before any page script runs. Used on the app's pages (either media backend)
 * and on the floor's bare pages alike, so all are timed the same way:
 * - the click on `[data-testid="lobby-join"]` (a capture-phase listener on window);
 * - the signaling WebSocket: constructed, `welcome` received;
 * - each RTCPeerConnection: created, offer started (`createOffer`, or an implicit
 *   `setLocalDescription()` in the stable state), remote offer applied, answer applied,
 *   connected;
 * - each incoming camera track: its `track` event, and its first frame:
 *   `requestVideoFrameCallback` on a tiny video element of our own that plays the track (the
 *   callback's time, and the frame's `receiveTime`, when its last packet arrived).
 * Which incoming track is a camera: in the p2p mesh (and the floor) every connection is one
 * participant and the camera is the transceiver at `cameraIndex` (the mesh: audio, camera,
 * screen); with an SFU the subscribe connection carries everyone, and the media server's
 * offers (signaling `signal` frames from the `media` pseudo-peer) say which mid is whose
 * camera, read here off the WebSocket before the app applies them.
 * Every connection is also kept for `bytesSent`/`framesDecoded` (bench/sfu.ts).
 */

/** Milliseconds on the page's clock; null until it happened. */
export interface ConnectionTimeline {
  createdAt: number;
  /** This side offered. */
  offerAt: number | null;
  /** The other side offered (the SFU's subscribe connection; the mesh's earlier members). */
  remoteOfferAt: number | null;
  answerAt: number | null;
  connectedAt: number | null;
}

/** One incoming camera track. */
export interface CameraTimeline {
  /** Index of its connection in `PageTimeline.connections`. */
  connection: number;
  trackAt: number;
  firstFrameAt: number | null;
  receiveAt: number | null;
}

export interface PageTimeline {
  clickAt: number | null;
  socketAt: number | null;
  welcomeAt: number | null;
  connections: ConnectionTimeline[];
  cameras: CameraTimeline[];
  /** Resource Timing of the join answer, the room's chunk and GET .../me after the click. */
  joinAnsweredAt: number | null;
  roomChunkRequestedAt: number | null;
  roomChunkAt: number | null;
  sessionRequestedAt: number | null;
  sessionAnsweredAt: number | null;
}

/** Totals over every open connection of the page, with the page's clock when read. */
export interface RtpTotals {
  at: number;
  /** Payload bytes sent, every `outbound-rtp` (audio and video, every simulcast layer). */
  bytesSent: number;
  /** Every `inbound-rtp` video stream's `framesDecoded`, and how many such streams. */
  framesDecoded: number;
  videoStreamsIn: number;
}

/** One incoming stream of the page, as getStats says now (bench/room-capacity.ts). */
export interface InboundStream {
  kind: 'audio' | 'video';
  mid: string | null;
  /** With an SFU: whose stream and which slot, from the media server's last offer. */
  peerId: string | null;
  slot: string | null;
  packetsReceived: number;
  packetsLost: number;
  framesDecoded: number;
  freezeCount: number;
  frameWidth: number;
}

export interface JoinProbe {
  timeline(): PageTimeline;
  /** Every open connection's incoming streams (`inbound-rtp`), with the page's clock. */
  inbound(): Promise<{ at: number; streams: InboundStream[] }>;
  /** Incoming camera tracks that showed a first frame. */
  framesFrom(): number;
  /** The lobby's own camera preview is playing. */
  previewReady(): boolean;
  rtpTotals(): Promise<RtpTotals>;
}

declare global {
  interface Window {
    __joinProbe?: JoinProbe;
  }
}

function installJoinProbe(cameraIndex: number): void {
  const now = () => performance.now();
  const timeline: PageTimeline = {
    clickAt: null,
    socketAt: null,
    welcomeAt: null,
    connections: [],
    cameras: [],
    joinAnsweredAt: null,
    roomChunkRequestedAt: null,
    roomChunkAt: null,
    sessionRequestedAt: null,
    sessionAnsweredAt: null,
  };
  /** SFU only: mid -> slot on the subscribe connection, from the media server's last offer. */
  let sfuSlots: Map<string, string> | null = null;
  /** SFU only: mid -> whose stream, from the same offer. */
  let sfuOwners = new Map<string, string>();

  window.addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (timeline.clickAt === null && target?.closest('[data-testid="lobby-join"]')) {
        timeline.clickAt = now();
      }
    },
    true,
  );

  interface Frame {
    type?: unknown;
    from?: unknown;
    payload?: {
      connection?: unknown;
      streams?: { mid: string; slot: string; peerId: string }[];
    };
  }
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      timeline.socketAt ??= now();
      // Added before the app's own listeners, so this runs first for every frame.
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        const frame = JSON.parse(event.data) as Frame;
        if (frame.type === 'welcome') timeline.welcomeAt ??= now();
        const payload = frame.payload;
        if (frame.type === 'signal' && frame.from === 'media' && payload?.streams) {
          if (payload.connection === 'subscribe') {
            sfuSlots = new Map(payload.streams.map((s) => [s.mid, s.slot]));
            sfuOwners = new Map(payload.streams.map((s) => [s.mid, s.peerId]));
          }
        }
      });
    }
  };

  const watchFirstFrame = (track: MediaStreamTrack, camera: CameraTimeline) => {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    // Tiny and nearly transparent, but composited: a frame callback needs a rendered video.
    video.style.cssText =
      'position:fixed;left:0;top:0;width:4px;height:4px;opacity:0.01;pointer-events:none';
    video.srcObject = new MediaStream([track]);
    video.requestVideoFrameCallback((_, metadata) => {
      camera.firstFrameAt = now();
      camera.receiveAt = metadata.receiveTime ?? null;
      video.srcObject = null;
      video.remove();
    });
    document.documentElement.append(video);
    video.play().catch(() => undefined);
  };

  const isCamera = (pc: RTCPeerConnection, transceiver: RTCRtpTransceiver) =>
    sfuSlots && transceiver.mid !== null
      ? sfuSlots.get(transceiver.mid) === 'camera'
      : pc.getTransceivers().indexOf(transceiver) === cameraIndex;

  const connections = new Map<RTCPeerConnection, ConnectionTimeline>();
  const seen = new WeakSet<RTCRtpTransceiver>();
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      const connection: ConnectionTimeline = {
        createdAt: now(),
        offerAt: null,
        remoteOfferAt: null,
        answerAt: null,
        connectedAt: null,
      };
      const index = timeline.connections.push(connection) - 1;
      connections.set(this, connection);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') connection.connectedAt ??= now();
      });
      this.addEventListener('track', (event: RTCTrackEvent) => {
        const { transceiver, track } = event;
        if (track.kind !== 'video' || seen.has(transceiver) || !isCamera(this, transceiver)) {
          return;
        }
        seen.add(transceiver);
        const camera: CameraTimeline = {
          connection: index,
          trackAt: now(),
          firstFrameAt: null,
          receiveAt: null,
        };
        timeline.cameras.push(camera);
        watchFirstFrame(track, camera);
      });
    }
  } as typeof RTCPeerConnection;

  // Offers and answers are seen on the prototype: the app calls these on its connections.
  const proto = NativePeerConnection.prototype;
  type Method = (...args: unknown[]) => Promise<unknown>;
  const hook = (name: 'createOffer' | 'setLocalDescription' | 'setRemoteDescription') => {
    const native = proto[name] as Method;
    const hooked: Method = function (this: RTCPeerConnection, ...args) {
      const connection = connections.get(this);
      const description = args[0] as RTCSessionDescriptionInit | undefined;
      if (connection && name === 'setRemoteDescription') {
        if (description?.type === 'answer') connection.answerAt ??= now();
        if (description?.type === 'offer') connection.remoteOfferAt ??= now();
      } else if (connection && (name === 'createOffer' || !description)) {
        if (this.signalingState === 'stable' && !this.localDescription) {
          connection.offerAt ??= now();
        }
      }
      return native.apply(this, args);
    };
    Object.defineProperty(proto, name, { value: hooked, configurable: true, writable: true });
  };
  hook('createOffer');
  hook('setLocalDescription');
  hook('setRemoteDescription');

  const rtpTotals = async (): Promise<RtpTotals> => {
    const totals: RtpTotals = { at: 0, bytesSent: 0, framesDecoded: 0, videoStreamsIn: 0 };
    for (const pc of connections.keys()) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((stat: Record<string, unknown>) => {
        if (stat.type === 'outbound-rtp') totals.bytesSent += Number(stat.bytesSent ?? 0);
        if (stat.type === 'inbound-rtp' && stat.kind === 'video') {
          totals.framesDecoded += Number(stat.framesDecoded ?? 0);
          totals.videoStreamsIn += 1;
        }
      });
    }
    totals.at = now();
    return totals;
  };

  const inbound = async () => {
    const streams: InboundStream[] = [];
    for (const pc of connections.keys()) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((stat: Record<string, unknown>) => {
        if (stat.type !== 'inbound-rtp') return;
        const mid = typeof stat.mid === 'string' ? stat.mid : null;
        streams.push({
          kind: stat.kind === 'audio' ? 'audio' : 'video',
          mid,
          peerId: mid === null ? null : (sfuOwners.get(mid) ?? null),
          slot: mid === null ? null : (sfuSlots?.get(mid) ?? null),
          packetsReceived: Number(stat.packetsReceived ?? 0),
          packetsLost: Number(stat.packetsLost ?? 0),
          framesDecoded: Number(stat.framesDecoded ?? 0),
          freezeCount: Number(stat.freezeCount ?? 0),
          frameWidth: Number(stat.frameWidth ?? 0),
        });
      });
    }
    return { at: now(), streams };
  };

  /** The latest request after the click that `pick` accepts: [start, responseEnd]. */
  const request = (pick: (url: URL) => boolean): [number | null, number | null] => {
    const after = timeline.clickAt ?? Infinity;
    const entry = performance
      .getEntriesByType('resource')
      .filter((e) => e.startTime >= after && pick(new URL(e.name)))
      .at(-1);
    return entry ? [entry.startTime, entry.startTime + entry.duration] : [null, null];
  };
  const isJoin = (url: URL) =>
    url.pathname.startsWith('/api/join/') && !url.pathname.endsWith('/me');
  const isRoomChunk = (url: URL) => /\/RoomPage-[^/]*\.js$/.test(url.pathname);
  const isSession = (url: URL) => /^\/api\/join\/[^/]+\/me$/.test(url.pathname);
  window.__joinProbe = {
    timeline: () => {
      const [roomChunkRequestedAt, roomChunkAt] = request(isRoomChunk);
      const [sessionRequestedAt, sessionAnsweredAt] = request(isSession);
      return {
        ...timeline,
        connections: timeline.connections.map((connection) => ({ ...connection })),
        cameras: timeline.cameras.map((camera) => ({ ...camera })),
        joinAnsweredAt: request(isJoin)[1],
        roomChunkRequestedAt,
        roomChunkAt,
        sessionRequestedAt,
        sessionAnsweredAt,
      };
    },
    framesFrom: () => timeline.cameras.filter((camera) => camera.firstFrameAt !== null).length,
    previewReady: () => {
      const preview = document.querySelector('[data-testid="lobby-camera-preview"]');
      return preview instanceof HTMLVideoElement && preview.videoWidth > 0;
    },
    rtpTotals,
    inbound,
  };
}

/**
 * A function's source for an init script, called with `args`. tsx compiles with esbuild's
 * keepNames, which wraps inner functions in a `__name` helper the page does not have: an
 * identity stand-in is declared first.
 */
export function pageScript<A extends unknown[]>(fn: (...args: A) => void, ...args: A): string {
  const call = args.map((arg) => JSON.stringify(arg)).join(', ');
  return `(() => { const __name = (f) => f; (${fn.toString()})(${call}); })();`;
}

/** The probe as an init script; `cameraIndex`: the camera's transceiver in a mesh connection. */
export function joinProbeScript(cameraIndex: number): string {
  return pageScript(installJoinProbe, cameraIndex);
}
