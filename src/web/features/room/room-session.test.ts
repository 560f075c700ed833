import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CLOSE_CODES,
  type MediaState,
  type RoomParticipant,
  type Welcome,
} from '../../../shared/signaling.js';
import { DEFAULT_MEDIA_PREFERENCES, type MediaPreferences } from '../../lib/media-preferences.js';
import { RoomSession } from './room-session.js';

// Only the state listeners: the session is never started, so no socket, capture or peer
// connection is needed (the room's end-to-end tests cover those). `pin` is the smallest public
// change of state; every other change notifies listeners through the same `set`.
describe('RoomSession listeners', () => {
  beforeEach(() => {
    vi.stubGlobal('location', { protocol: 'http:', host: 'tertulia.test' });
    vi.spyOn(console, 'error').mockImplementation(() => {});
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('logs a listener that throws and still tells the next one about the new state', () => {
    const session = new RoomSession('join-token', { ...DEFAULT_MEDIA_PREFERENCES });
    const failure = new Error('render bug');
    const seen: (string | null)[] = [];
    session.subscribe(() => {
      throw failure;
    });
    session.subscribe(() => seen.push(session.getState().pinnedId));

    session.pin('peer-2');

    expect(seen).toEqual(['peer-2']);
    expect(console.error).toHaveBeenCalledExactlyOnceWith('Room state listener failed', failure);
  });
});

/**
 * Just enough of a browser's WebSocket to drive the session's signaling by hand (the same fake
 * as signaling-client.test.ts); the real socket is exercised by the end-to-end tests.
 */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  static opened: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  readonly sent: Record<string, unknown>[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onclose: ((close: { code: number }) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.opened.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(): void {
    this.readyState = FakeSocket.CLOSED;
  }

  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }

  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  /** The server closes the socket with an application code. */
  closeWith(code: number): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code });
  }

  framesOf(type: string): Record<string, unknown>[] {
    return this.sent.filter((frame) => frame.type === type);
  }
}

/** Enough of RTCPeerConnection for either backend to be built and to hand over a track. */
class FakePeerConnection {
  static created: FakePeerConnection[] = [];
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: (() => void) | null = null;
  ontrack: ((event: { transceiver: unknown; track: unknown }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  iceConnectionState = 'new';
  connectionState = 'new';
  signalingState = 'stable';
  localDescription: { type: string; sdp: string } | null = null;
  readonly transceivers: {
    init: RTCRtpTransceiverInit;
    mid: string | null;
    sender: object;
    receiver: { track: { kind: string } };
  }[] = [];
  closed = false;

  constructor(readonly config: RTCConfiguration) {
    FakePeerConnection.created.push(this);
  }

  addTransceiver(kind: string, init: RTCRtpTransceiverInit = {}) {
    const transceiver = {
      init,
      mid: null,
      sender: {
        track: null,
        replaceTrack: () => Promise.resolve(),
        getParameters: () => ({ encodings: structuredClone(init.sendEncodings ?? [{}]) }),
        setParameters: () => Promise.resolve(),
      },
      receiver: { track: { kind } },
    };
    this.transceivers.push(transceiver);
    return transceiver;
  }

  getTransceivers() {
    return this.transceivers;
  }

  setLocalDescription(): Promise<void> {
    this.localDescription = { type: 'offer', sdp: 'v=0\r\n' };
    this.signalingState = 'have-local-offer';
    return Promise.resolve();
  }

  setRemoteDescription(): Promise<void> {
    return Promise.resolve();
  }

  addIceCandidate(): Promise<void> {
    return Promise.resolve();
  }

  restartIce(): void {}

  close(): void {
    this.closed = true;
  }

  /** As the browser does while it applies a remote description. */
  fireTrack(index: number, track: object): void {
    this.ontrack?.({ transceiver: this.transceivers[index], track });
  }
}

class FakeMediaStream {
  constructor(private readonly tracks: object[]) {}

  getTracks() {
    return this.tracks;
  }
}

/** sessionStorage over a Map, to see what the session saves for a reload. */
function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

const TOKEN = 'join-token';
const PLACE_KEY = `tertulia.room.${TOKEN}`;

function participant(peerId: string, media: Partial<MediaState> = {}): RoomParticipant {
  return {
    peerId,
    displayName: peerId.toUpperCase(),
    avatarUrl: null,
    kind: 'guest',
    joinedAt: '2030-03-01T10:00:00.000Z',
    media: { audio: true, video: true, screen: false, ...media },
    reconnecting: false,
  };
}

function welcomeOf(changes: Partial<Welcome> = {}): Welcome {
  return {
    type: 'welcome',
    peerId: 'ana',
    resumeToken: 'resume-ana',
    seq: 4,
    resumed: false,
    participants: [participant('ben'), participant('eva'), participant('ana')],
    chat: [
      { id: 'm1', peerId: 'ben', displayName: 'BEN', text: 'hola', sentAt: '2030-03-01T10:00:01Z' },
    ],
    media: { backend: 'p2p', iceServers: [{ urls: 'stun:stun.test' }], roomCap: 6 },
    heartbeatMs: 20_000,
    ...changes,
  };
}

/** Lets the media's pending promises run (PeerMesh hands tracks over after a task). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('RoomSession', () => {
  let storage: ReturnType<typeof memoryStorage>;
  /** Where `pagehide` goes, as on `window`. */
  let page: EventTarget;
  /** The Navigation API, which announces a reload before the page hides. */
  let navigation: EventTarget;
  let sessions: RoomSession[];

  beforeEach(() => {
    FakeSocket.opened = [];
    FakePeerConnection.created = [];
    sessions = [];
    storage = memoryStorage();
    page = new EventTarget();
    navigation = new EventTarget();
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
    vi.stubGlobal('MediaStream', FakeMediaStream);
    vi.stubGlobal('sessionStorage', storage);
    vi.stubGlobal('location', { protocol: 'https:', host: 'tertulia.test' });
    vi.stubGlobal('addEventListener', page.addEventListener.bind(page));
    vi.stubGlobal('removeEventListener', page.removeEventListener.bind(page));
    vi.stubGlobal('navigation', navigation);
    // No camera here: capture fails and the session goes on without local media.
    vi.stubGlobal('navigator', {
      onLine: true,
      mediaDevices: {
        getUserMedia: () =>
          Promise.reject(Object.assign(new Error('none'), { name: 'NotFoundError' })),
      },
    });
  });

  afterEach(() => {
    for (const session of sessions) session.dispose();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  /** A started session whose capture has failed already, and its open socket. */
  async function started(preferences: Partial<MediaPreferences> = {}) {
    const session = new RoomSession(TOKEN, { ...DEFAULT_MEDIA_PREFERENCES, ...preferences });
    sessions.push(session);
    session.start();
    await vi.waitFor(() => expect(session.getState().mediaProblem).toBe('notFound'));
    const socket = FakeSocket.opened[0]!;
    socket.open();
    return { session, socket };
  }

  async function welcomed(changes: Partial<Welcome> = {}) {
    const setup = await started();
    setup.socket.receive(welcomeOf(changes));
    return setup;
  }

  function pageHide(persisted: boolean): void {
    page.dispatchEvent(Object.assign(new Event('pagehide'), { persisted }));
  }

  function savedPlace(): unknown {
    const saved = storage.items.get(PLACE_KEY);
    return saved === undefined ? undefined : JSON.parse(saved);
  }

  /** ben's camera arrives on the connection to him (the first one the mesh opens). */
  async function bensCamera(session: RoomSession) {
    const toBen = FakePeerConnection.created[0]!;
    toBen.fireTrack(1, { kind: 'video' });
    await settle();
    expect(session.getState().remote.ben?.camera).toBeDefined();
    return toBen;
  }

  describe('welcome', () => {
    it('a fresh welcome sets who we are, the participants and the chat', async () => {
      const { session } = await welcomed();
      const state = session.getState();
      expect(state.status).toBe('connected');
      expect(state.selfId).toBe('ana');
      expect(state.participants.map((p) => p.peerId)).toEqual(['ben', 'eva', 'ana']);
      expect(state.chat.map((m) => m.text)).toEqual(['hola']);
    });

    it('on p2p, calls everyone else in the room, each on its own connection', async () => {
      const { session, socket } = await welcomed();
      expect(session.peerConnections()).toHaveLength(2);
      expect(FakePeerConnection.created.map((pc) => pc.config.bundlePolicy)).toEqual([
        'max-bundle',
        'max-bundle',
      ]);
      await settle();
      const offers = socket
        .framesOf('signal')
        .filter((frame) => (frame.payload as { kind: string }).kind === 'description');
      expect(offers.map((frame) => frame.to)).toEqual(['ben', 'eva']);
    });

    it('on janus, publishes on one connection to the media server and calls nobody', async () => {
      const { session, socket } = await welcomed({
        media: { backend: 'janus', iceServers: [], roomCap: 50 },
      });
      expect(session.peerConnections()).toHaveLength(1);
      const [publisher] = FakePeerConnection.created;
      expect(publisher?.transceivers.map((t) => t.init.direction)).toEqual([
        'sendonly',
        'sendonly',
        'sendonly',
      ]);
      expect(publisher?.transceivers[1]?.init.sendEncodings?.map((e) => e.rid)).toEqual([
        'h',
        'm',
        'l',
      ]);
      await settle();
      expect(socket.framesOf('signal').map((frame) => frame.to)).not.toContain('ben');
    });

    it('a resumed welcome keeps the media and drops who left while the socket was down', async () => {
      const { session, socket } = await welcomed();
      const [toBen, toEva] = FakePeerConnection.created;
      socket.closeWith(1006); // a dropped network: the client reconnects after a moment
      await vi.waitFor(() => expect(FakeSocket.opened).toHaveLength(2));
      const next = FakeSocket.opened[1]!;
      next.open();
      // The place is this page's own: its media connections live on, so no reload flag.
      expect(next.sent[0]).toMatchObject({ resume: { peerId: 'ana', lastSeq: 4 } });
      expect(next.sent[0]?.resume).not.toHaveProperty('reload');

      next.receive(
        welcomeOf({ resumed: true, participants: [participant('ben'), participant('ana')] }),
      );
      expect(FakePeerConnection.created).toEqual([toBen, toEva]);
      expect([toBen?.closed, toEva?.closed]).toEqual([false, true]);
      expect(session.getState().participants.map((p) => p.peerId)).toEqual(['ben', 'ana']);
    });

    it('saves the place for a reload', async () => {
      await welcomed();
      expect(savedPlace()).toEqual({ peerId: 'ana', resumeToken: 'resume-ana', lastSeq: 4 });
    });

    it('asks for a saved place back with the first hello, as a reloaded page', async () => {
      storage.setItem(
        PLACE_KEY,
        JSON.stringify({ peerId: 'ana', resumeToken: 'resume-ana', lastSeq: 7 }),
      );
      const { socket } = await started();
      expect(socket.sent[0]).toMatchObject({
        type: 'hello',
        resume: { peerId: 'ana', resumeToken: 'resume-ana', lastSeq: 7, reload: true },
      });
    });

    it('joins afresh, without resume, when nothing is saved', async () => {
      const { socket } = await started();
      expect(socket.sent[0]).toMatchObject({ type: 'hello' });
      expect(socket.sent[0]).not.toHaveProperty('resume');
    });
  });

  describe('room events', () => {
    it('adds a newcomer, replaces an updated participant and drops one who left', async () => {
      const { session, socket } = await welcomed();
      socket.receive({ type: 'joined', seq: 5, participant: participant('gil') });
      expect(session.getState().participants.map((p) => p.peerId)).toEqual([
        'ben',
        'eva',
        'ana',
        'gil',
      ]);

      socket.receive({
        type: 'updated',
        seq: 6,
        participant: participant('eva', { audio: false }),
      });
      const eva = session.getState().participants.find((p) => p.peerId === 'eva');
      expect(eva?.media.audio).toBe(false);
      expect(session.getState().participants).toHaveLength(4);

      socket.receive({ type: 'left', seq: 7, peerId: 'gil', reason: 'left' });
      expect(session.getState().participants.map((p) => p.peerId)).toEqual(['ben', 'eva', 'ana']);
    });

    it('drops the media of someone who left', async () => {
      const { session, socket } = await welcomed();
      const toBen = await bensCamera(session);
      socket.receive({ type: 'left', seq: 5, peerId: 'ben', reason: 'timeout' });
      expect(session.getState().remote).not.toHaveProperty('ben');
      expect(toBen.closed).toBe(true);
    });

    it('adds a chat message once, however often it arrives', async () => {
      const { session, socket } = await welcomed();
      const message = {
        id: 'm2',
        peerId: 'eva',
        displayName: 'EVA',
        text: 'qué tal',
        sentAt: '2030-03-01T10:00:02Z',
      };
      socket.receive({ type: 'chat', seq: 5, message });
      socket.receive({ type: 'chat', seq: 5, message });
      expect(session.getState().chat.map((m) => m.text)).toEqual(['hola', 'qué tal']);
    });

    it('closes the connection to someone whose page restarted, and drops their media', async () => {
      const { session, socket } = await welcomed();
      const toBen = await bensCamera(session);
      socket.receive({ type: 'restarted', seq: 5, peerId: 'ben' });
      expect(toBen.closed).toBe(true);
      expect(session.getState().remote).not.toHaveProperty('ben');
      // They are still in the room: their new page calls us.
      expect(session.getState().participants.map((p) => p.peerId)).toContain('ben');
    });

    it('ignores a restarted event about itself', async () => {
      const { session, socket } = await welcomed();
      await bensCamera(session);
      const before = session.getState();
      socket.receive({ type: 'restarted', seq: 5, peerId: 'ana' });
      expect(session.getState()).toBe(before);
      expect(FakePeerConnection.created.some((pc) => pc.closed)).toBe(false);
    });
  });

  describe('leaving', () => {
    it('leave() tells the room and forgets the place', async () => {
      const { session, socket } = await welcomed();
      session.leave();
      expect(socket.sent.at(-1)).toEqual({ type: 'leave' });
      expect(savedPlace()).toBeUndefined();
      expect(session.getState().status).toBe('left');
    });

    it('a closing page saves its place as of the last event and says it is closing', async () => {
      const { socket } = await welcomed();
      socket.receive({ type: 'joined', seq: 9, participant: participant('gil') });
      pageHide(false);
      expect(savedPlace()).toEqual({ peerId: 'ana', resumeToken: 'resume-ana', lastSeq: 9 });
      expect(socket.sent.at(-1)).toEqual({ type: 'leave', pageClosing: true });
      expect(socket.readyState).toBe(FakeSocket.CLOSED);
    });

    it('a reloading page saves its place and does not say it is leaving', async () => {
      const { socket } = await welcomed();
      socket.receive({ type: 'joined', seq: 9, participant: participant('gil') });
      navigation.dispatchEvent(Object.assign(new Event('navigate'), { navigationType: 'reload' }));
      pageHide(false);
      expect(savedPlace()).toMatchObject({ lastSeq: 9 });
      expect(socket.framesOf('leave')).toEqual([]);
      expect(socket.readyState).toBe(FakeSocket.OPEN);
    });

    it('a page kept in the back-forward cache neither saves nor leaves', async () => {
      const { socket } = await welcomed();
      socket.receive({ type: 'joined', seq: 9, participant: participant('gil') });
      pageHide(true);
      expect(savedPlace()).toMatchObject({ lastSeq: 4 });
      expect(socket.framesOf('leave')).toEqual([]);
      expect(socket.readyState).toBe(FakeSocket.OPEN);
    });

    it('forgets the place when the room is full', async () => {
      const { session, socket } = await welcomed();
      socket.closeWith(CLOSE_CODES.ROOM_FULL);
      expect(session.getState()).toMatchObject({ status: 'full', closedBecause: 'ROOM_FULL' });
      expect(savedPlace()).toBeUndefined();
    });

    it('forgets the place when the room closes it (opened elsewhere)', async () => {
      const { session, socket } = await welcomed();
      socket.closeWith(CLOSE_CODES.REPLACED);
      expect(session.getState()).toMatchObject({ status: 'closed', closedBecause: 'REPLACED' });
      expect(savedPlace()).toBeUndefined();
      expect(FakePeerConnection.created.every((pc) => pc.closed)).toBe(true);
    });
  });
});
