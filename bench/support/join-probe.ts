/**
 * What a page records about its own join, on its own clock (`performance.now()`), installed as
 * an init script before any page script runs. Used on the app's pages and on the floor's bare
 * pages alike, so both are timed the same way:
 * - the click on `[data-testid="lobby-join"]` (a capture-phase listener on window);
 * - the signaling WebSocket: constructed, `welcome` received;
 * - each RTCPeerConnection: created, offer started (`createOffer`, or an implicit
 *   `setLocalDescription()` in the stable state), answer applied, connected, camera track
 *   event, and the first frame of that track: `requestVideoFrameCallback` on a tiny video
 *   element of our own that plays the track (the callback's time, and the frame's
 *   `receiveTime`, when its last packet arrived).
 * The camera track is the transceiver at `cameraIndex` (the app's mesh: audio, camera, screen).
 */

/** Milliseconds on the page's clock; null until it happened. */
export interface PeerTimeline {
  createdAt: number;
  offerAt: number | null;
  answerAt: number | null;
  connectedAt: number | null;
  trackAt: number | null;
  firstFrameAt: number | null;
  receiveAt: number | null;
}

export interface PageTimeline {
  clickAt: number | null;
  socketAt: number | null;
  welcomeAt: number | null;
  peers: PeerTimeline[];
  /** Resource Timing of the join answer, the room's chunk and GET .../me after the click. */
  joinAnsweredAt: number | null;
  roomChunkRequestedAt: number | null;
  roomChunkAt: number | null;
  sessionRequestedAt: number | null;
  sessionAnsweredAt: number | null;
}

export interface JoinProbe {
  timeline(): PageTimeline;
  /** Connections that showed a first camera frame. */
  framesFrom(): number;
  /** The lobby's own camera preview is playing. */
  previewReady(): boolean;
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
    peers: [],
    joinAnsweredAt: null,
    roomChunkRequestedAt: null,
    roomChunkAt: null,
    sessionRequestedAt: null,
    sessionAnsweredAt: null,
  };

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

  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      timeline.socketAt ??= now();
      this.addEventListener('message', (event: MessageEvent) => {
        if (timeline.welcomeAt !== null || typeof event.data !== 'string') return;
        if ((JSON.parse(event.data) as { type?: unknown }).type === 'welcome') {
          timeline.welcomeAt = now();
        }
      });
    }
  };

  const watchFirstFrame = (track: MediaStreamTrack, peer: PeerTimeline) => {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    // Tiny and nearly transparent, but composited: a frame callback needs a rendered video.
    video.style.cssText =
      'position:fixed;left:0;top:0;width:4px;height:4px;opacity:0.01;pointer-events:none';
    video.srcObject = new MediaStream([track]);
    video.requestVideoFrameCallback((_, metadata) => {
      peer.firstFrameAt = now();
      peer.receiveAt = metadata.receiveTime ?? null;
      video.srcObject = null;
      video.remove();
    });
    document.documentElement.append(video);
    video.play().catch(() => undefined);
  };

  const peers = new WeakMap<RTCPeerConnection, PeerTimeline>();
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      const peer: PeerTimeline = {
        createdAt: now(),
        offerAt: null,
        answerAt: null,
        connectedAt: null,
        trackAt: null,
        firstFrameAt: null,
        receiveAt: null,
      };
      peers.set(this, peer);
      timeline.peers.push(peer);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') peer.connectedAt ??= now();
      });
      this.addEventListener('track', (event: RTCTrackEvent) => {
        const index = this.getTransceivers().indexOf(event.transceiver);
        if (event.track.kind !== 'video' || index !== cameraIndex || peer.trackAt !== null) return;
        peer.trackAt = now();
        watchFirstFrame(event.track, peer);
      });
    }
  } as typeof RTCPeerConnection;

  // Offers and answers are seen on the prototype: the app calls these on its connections.
  const proto = NativePeerConnection.prototype;
  const markOffer = (pc: RTCPeerConnection) => {
    const peer = peers.get(pc);
    if (peer && pc.signalingState === 'stable' && !pc.localDescription) peer.offerAt ??= now();
  };
  type Method = (...args: unknown[]) => Promise<unknown>;
  const hook = (name: 'createOffer' | 'setLocalDescription' | 'setRemoteDescription') => {
    const native = proto[name] as Method;
    const hooked: Method = function (this: RTCPeerConnection, ...args) {
      const peer = peers.get(this);
      const description = args[0] as RTCSessionDescriptionInit | undefined;
      if (peer && name === 'setRemoteDescription' && description?.type === 'answer') {
        peer.answerAt ??= now();
      } else if (peer && (name === 'createOffer' || !description)) {
        markOffer(this);
      }
      return native.apply(this, args);
    };
    Object.defineProperty(proto, name, { value: hooked, configurable: true, writable: true });
  };
  hook('createOffer');
  hook('setLocalDescription');
  hook('setRemoteDescription');

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
        peers: timeline.peers.map((peer) => ({ ...peer })),
        joinAnsweredAt: request(isJoin)[1],
        roomChunkRequestedAt,
        roomChunkAt,
        sessionRequestedAt,
        sessionAnsweredAt,
      };
    },
    framesFrom: () => timeline.peers.filter((peer) => peer.firstFrameAt !== null).length,
    previewReady: () => {
      const preview = document.querySelector('[data-testid="lobby-camera-preview"]');
      return preview instanceof HTMLVideoElement && preview.videoWidth > 0;
    },
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

/** The probe as an init script; `cameraIndex` is the camera's transceiver index. */
export function joinProbeScript(cameraIndex: number): string {
  return pageScript(installJoinProbe, cameraIndex);
}
