import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaRequest, ServerSignal, SfuStream } from '../../../shared/signaling.js';
import { SfuConnection } from './sfu-connection.js';

/**
 * Just enough of a browser's RTCPeerConnection to watch what the SFU end asks of it; the real
 * thing against a real Janus is exercised by the room's end-to-end tests in Chromium.
 *
 * A remote offer's SDP here is a list of `kind:mid` words ("audio:a0 video:v1"): applying it
 * adds a receiving transceiver for each mid not seen yet, as a browser does for new m-lines.
 */
class FakeSender {
  setParametersCalls = 0;
  track: unknown = null;

  constructor(public parameters: RTCRtpSendParameters) {}

  getParameters(): RTCRtpSendParameters {
    return structuredClone(this.parameters);
  }

  setParameters(parameters: RTCRtpSendParameters): Promise<void> {
    this.setParametersCalls += 1;
    this.parameters = parameters;
    return Promise.resolve();
  }

  replaceTrack(track: unknown): Promise<void> {
    this.track = track;
    return Promise.resolve();
  }
}

interface FakeTransceiver {
  mid: string | null;
  direction: RTCRtpTransceiverDirection;
  currentDirection: RTCRtpTransceiverDirection | null;
  sender: FakeSender;
  receiver: { track: { kind: string } };
}

class FakePeerConnection {
  static created: FakePeerConnection[] = [];
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((event: { candidate: object | null }) => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  iceConnectionState: RTCIceConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: { type: string; sdp: string } | null = null;
  readonly transceivers: FakeTransceiver[] = [];
  /** What was applied, in order: descriptions by type, candidates by their text. */
  readonly applied: string[] = [];
  readonly added: { kind: string; init: RTCRtpTransceiverInit }[] = [];
  closed = false;
  iceRestarts = 0;
  /** When set, setRemoteDescription waits for it (a browser busy applying an offer). */
  hold: Promise<void> | null = null;

  constructor(readonly config: RTCConfiguration) {
    FakePeerConnection.created.push(this);
  }

  addTransceiver(trackOrKind: string | { kind: string }, init: RTCRtpTransceiverInit = {}) {
    const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
    this.added.push({ kind, init });
    const transceiver: FakeTransceiver = {
      mid: null,
      direction: init.direction ?? 'sendrecv',
      currentDirection: null,
      sender: new FakeSender({
        transactionId: '1',
        encodings: structuredClone(init.sendEncodings ?? [{}]),
        codecs: [],
        headerExtensions: [],
        rtcp: {},
      }),
      receiver: { track: { kind } },
    };
    this.transceivers.push(transceiver);
    return transceiver;
  }

  getTransceivers() {
    return this.transceivers;
  }

  async setLocalDescription(): Promise<void> {
    const type = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer';
    this.transceivers.forEach((transceiver, index) => (transceiver.mid ??= String(index)));
    this.localDescription = { type, sdp: `${type} sdp` };
    this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
    this.applied.push(`local ${type}`);
  }

  async setRemoteDescription(description: { type: string; sdp: string }): Promise<void> {
    if (this.hold) await this.hold;
    if (description.type === 'offer') {
      for (const line of description.sdp.split(' ')) {
        const [kind = '', mid = ''] = line.split(':');
        if (this.transceivers.some((t) => t.mid === mid)) continue;
        this.addTransceiver(kind, { direction: 'recvonly' }).mid = mid;
      }
    }
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
    this.applied.push(`remote ${description.type}`);
  }

  async addIceCandidate(candidate: { candidate: string }): Promise<void> {
    this.applied.push(`candidate ${candidate.candidate}`);
  }

  restartIce(): void {
    this.iceRestarts += 1;
  }

  close(): void {
    this.closed = true;
  }

  /** The browser's ICE state changes, as it tells the page. */
  ice(state: RTCIceConnectionState): void {
    this.iceConnectionState = state;
    this.oniceconnectionstatechange?.();
  }
}

class FakeMediaStream {
  constructor(readonly tracks: object[]) {}
}

/** Lets every pending promise (the connection's queues, the fake's descriptions) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const fromMedia = (connection: SfuConnection, payload: ServerSignal) =>
  connection.handle('media', payload);

/** The media server offers the subscription: `lines` as in the fake's SDP, `streams` by mid. */
function subscribeOffer(lines: string, streams: SfuStream[]): ServerSignal {
  return {
    kind: 'description',
    connection: 'subscribe',
    description: { type: 'offer', sdp: lines },
    streams,
  };
}

function setUp({ audioOnly = false } = {}) {
  const sent: { to: string; payload: MediaRequest }[] = [];
  const delivered: { peerId: string; slot: string; tracks: object[] }[] = [];
  const connection = new SfuConnection(
    'ana',
    [{ urls: 'stun:stun.test' }],
    (to, payload) => sent.push({ to, payload }),
    {
      track: (peerId, slot, stream) =>
        delivered.push({ peerId, slot, tracks: (stream as unknown as FakeMediaStream).tracks }),
    },
    audioOnly,
  );
  const publisher = () => FakePeerConnection.created[0]!;
  const subscriber = () => {
    const pc = FakePeerConnection.created[1];
    if (!pc) throw new Error('no subscribe connection');
    return pc;
  };
  return { connection, sent, delivered, publisher, subscriber };
}

describe('SfuConnection', () => {
  let connections: SfuConnection[];

  beforeEach(() => {
    FakePeerConnection.created = [];
    connections = [];
    vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
    vi.stubGlobal('MediaStream', FakeMediaStream);
  });

  afterEach(() => {
    for (const connection of connections) connection.close();
    vi.unstubAllGlobals();
  });

  /** setUp, closed after the test. */
  function make(options: { audioOnly?: boolean } = {}) {
    const made = setUp(options);
    connections.push(made.connection);
    return made;
  }

  describe('publishing', () => {
    it('sends audio, the camera in three simulcast layers and the screen, each sendonly', () => {
      const { publisher } = make();
      expect(FakePeerConnection.created).toHaveLength(1);
      expect(publisher().config).toEqual({ iceServers: [{ urls: 'stun:stun.test' }] });
      expect(publisher().added.map(({ kind, init }) => [kind, init.direction])).toEqual([
        ['audio', 'sendonly'],
        ['video', 'sendonly'],
        ['video', 'sendonly'],
      ]);
      const [audio, camera, screen] = publisher().added;
      expect(camera?.init.sendEncodings?.map((encoding) => encoding.rid)).toEqual(['h', 'm', 'l']);
      expect(audio?.init.sendEncodings).toBeUndefined();
      expect(screen?.init.sendEncodings).toBeUndefined();
    });

    it('sends audio alone when audio-only', () => {
      const { publisher } = make({ audioOnly: true });
      expect(publisher().added.map(({ kind, init }) => [kind, init.direction])).toEqual([
        ['audio', 'sendonly'],
      ]);
    });

    it('offers to media on negotiationneeded, naming the slot each mid carries', async () => {
      const { publisher, sent } = make();
      publisher().onnegotiationneeded?.();
      await settle();
      expect(sent).toEqual([
        {
          to: 'media',
          payload: {
            kind: 'description',
            connection: 'publish',
            description: { type: 'offer', sdp: 'offer sdp' },
            streams: [
              { mid: '0', peerId: 'ana', slot: 'audio' },
              { mid: '1', peerId: 'ana', slot: 'camera' },
              { mid: '2', peerId: 'ana', slot: 'screen' },
            ],
          },
        },
      ]);
    });

    it('applies the publish answer from media to the publish connection', async () => {
      const { connection, publisher } = make();
      publisher().onnegotiationneeded?.();
      await settle();
      fromMedia(connection, {
        kind: 'description',
        connection: 'publish',
        description: { type: 'answer', sdp: 'answer sdp' },
      });
      await settle();
      expect(publisher().applied).toEqual(['local offer', 'remote answer']);
      expect(FakePeerConnection.created).toHaveLength(1);
    });

    it('sends a track in its slot on the publish connection', async () => {
      const { connection, publisher } = make();
      const camera = { kind: 'video' } as MediaStreamTrack;
      connection.setTrack('camera', camera);
      await settle();
      expect(publisher().transceivers.map((t) => t.sender.track)).toEqual([null, camera, null]);
    });
  });

  describe('subscribing', () => {
    it('answers the subscribe offer on a new recvonly connection', async () => {
      const { connection, sent, subscriber } = make();
      fromMedia(connection, subscribeOffer('audio:a0 video:v1', []));
      await settle();
      expect(FakePeerConnection.created).toHaveLength(2);
      expect(subscriber().applied).toEqual(['remote offer', 'local answer']);
      expect(subscriber().transceivers.map((t) => t.direction)).toEqual(['recvonly', 'recvonly']);
      expect(sent).toEqual([
        {
          to: 'media',
          payload: {
            kind: 'description',
            connection: 'subscribe',
            description: { type: 'answer', sdp: 'answer sdp' },
          },
        },
      ]);
    });

    it('receives no video when audio-only: video m-lines are answered inactive', async () => {
      const { connection, subscriber } = make({ audioOnly: true });
      fromMedia(connection, subscribeOffer('audio:a0 video:v1', []));
      await settle();
      expect(subscriber().transceivers.map((t) => t.direction)).toEqual(['recvonly', 'inactive']);
    });

    it('hands each stream to the listener by peer and slot, once across re-offers', async () => {
      const { connection, delivered, subscriber } = make();
      const streams: SfuStream[] = [
        { mid: 'a0', peerId: 'ben', slot: 'audio' },
        { mid: 'v1', peerId: 'ben', slot: 'camera' },
      ];
      fromMedia(connection, subscribeOffer('audio:a0 video:v1', streams));
      await settle();
      const [audio, video] = subscriber().transceivers.map((t) => t.receiver.track);
      expect(delivered).toEqual([
        { peerId: 'ben', slot: 'audio', tracks: [audio] },
        { peerId: 'ben', slot: 'camera', tracks: [video] },
      ]);

      // Someone else starts publishing: the server offers again, with Ben's streams unchanged.
      fromMedia(
        connection,
        subscribeOffer('audio:a0 video:v1 video:v2', [
          ...streams,
          { mid: 'v2', peerId: 'eva', slot: 'camera' },
        ]),
      );
      await settle();
      expect(delivered.map(({ peerId, slot }) => `${peerId}/${slot}`)).toEqual([
        'ben/audio',
        'ben/camera',
        'eva/camera',
      ]);
    });

    it('hands a stream again when its mid is re-assigned to someone else', async () => {
      const { connection, delivered } = make();
      fromMedia(
        connection,
        subscribeOffer('video:v1', [{ mid: 'v1', peerId: 'ben', slot: 'camera' }]),
      );
      await settle();
      fromMedia(
        connection,
        subscribeOffer('video:v1', [{ mid: 'v1', peerId: 'eva', slot: 'camera' }]),
      );
      await settle();
      expect(delivered.map(({ peerId, slot }) => `${peerId}/${slot}`)).toEqual([
        'ben/camera',
        'eva/camera',
      ]);
    });

    it('hands a stream again after its participant was removed and came back', async () => {
      const { connection, delivered } = make();
      const offer = subscribeOffer('video:v1', [{ mid: 'v1', peerId: 'ben', slot: 'camera' }]);
      fromMedia(connection, offer);
      await settle();
      connection.remove('ben');
      fromMedia(connection, offer);
      await settle();
      expect(delivered).toHaveLength(2);
    });
  });

  describe('candidates', () => {
    it('sends each local candidate to media naming its connection', async () => {
      const { connection, sent, publisher, subscriber } = make();
      fromMedia(connection, subscribeOffer('audio:a0', []));
      await settle();
      sent.length = 0;
      const candidate = { candidate: 'candidate:1', sdpMid: '0', sdpMLineIndex: 0 };
      publisher().onicecandidate?.({ candidate: { ...candidate, usernameFragment: 'u' } });
      subscriber().onicecandidate?.({ candidate: null });
      expect(sent).toEqual([
        {
          to: 'media',
          payload: {
            kind: 'candidate',
            connection: 'publish',
            candidate: { ...candidate, usernameFragment: 'u' },
          },
        },
        { to: 'media', payload: { kind: 'candidate', connection: 'subscribe', candidate: null } },
      ]);
    });

    it('adds each candidate from media to the connection it names', async () => {
      const { connection, publisher, subscriber } = make();
      fromMedia(connection, subscribeOffer('audio:a0', []));
      await settle();
      fromMedia(connection, {
        kind: 'candidate',
        connection: 'publish',
        candidate: { candidate: 'pub' },
      });
      fromMedia(connection, {
        kind: 'candidate',
        connection: 'subscribe',
        candidate: { candidate: 'sub' },
      });
      await settle();
      expect(publisher().applied).toEqual(['candidate pub']);
      expect(subscriber().applied).toEqual(['remote offer', 'local answer', 'candidate sub']);
    });

    it('applies a candidate only after the description sent before it', async () => {
      const { connection, subscriber } = make();
      // The first offer creates the subscriber; the second one is slow to apply.
      fromMedia(connection, subscribeOffer('audio:a0', []));
      await settle();
      const slow = deferred();
      subscriber().hold = slow.promise;
      fromMedia(connection, subscribeOffer('audio:a0 video:v1', []));
      fromMedia(connection, {
        kind: 'candidate',
        connection: 'subscribe',
        candidate: { candidate: 'late' },
      });
      await settle();
      expect(subscriber().applied).toEqual(['remote offer', 'local answer']);

      slow.resolve();
      await settle();
      expect(subscriber().applied).toEqual([
        'remote offer',
        'local answer',
        'remote offer',
        'local answer',
        'candidate late',
      ]);
    });
  });

  describe('camera layers', () => {
    it('activates only the layers media asks for, and sets them only when they change', async () => {
      const { connection, publisher } = make();
      const camera = publisher().transceivers[1]!.sender;
      fromMedia(connection, { kind: 'cameraLayers', layers: ['m', 'l'] });
      await settle();
      expect(camera.parameters.encodings.map((e) => [e.rid, e.active])).toEqual([
        ['h', false],
        ['m', true],
        ['l', true],
      ]);
      expect(camera.setParametersCalls).toBe(1);

      fromMedia(connection, { kind: 'cameraLayers', layers: ['l', 'm'] });
      await settle();
      expect(camera.setParametersCalls).toBe(1);

      fromMedia(connection, { kind: 'cameraLayers', layers: ['h', 'm', 'l'] });
      await settle();
      expect(camera.parameters.encodings.map((e) => e.active)).toEqual([true, true, true]);
      expect(camera.setParametersCalls).toBe(2);
    });
  });

  describe('reset', () => {
    it('closes both connections and publishes again on a new one', async () => {
      const { connection } = make();
      const camera = { kind: 'video' } as MediaStreamTrack;
      connection.setTrack('camera', camera);
      fromMedia(connection, subscribeOffer('audio:a0', []));
      await settle();
      const [oldPublisher, oldSubscriber] = FakePeerConnection.created;

      fromMedia(connection, { kind: 'reset' });
      expect(oldPublisher?.closed).toBe(true);
      expect(oldSubscriber?.closed).toBe(true);
      expect(FakePeerConnection.created).toHaveLength(3);
      const next = FakePeerConnection.created[2]!;
      expect(next.closed).toBe(false);
      // What we sent goes up again on the new connection, the camera in its slot.
      expect(next.added.map(({ kind }) => kind)).toEqual(['audio', 'video', 'video']);
      expect(next.added[1]?.init.sendEncodings?.map((e) => e.rid)).toEqual(['h', 'm', 'l']);
      expect(connection.connections()).toEqual([next]);
    });

    it('offers once on the new publish connection, whatever the old one asked before it closed', async () => {
      const { connection, publisher, sent } = make();
      // Resumed on another node: an ICE restart of the broken publisher, then the reset.
      publisher().ice('disconnected');
      connection.restartBroken();
      fromMedia(connection, { kind: 'reset' });
      const next = FakePeerConnection.created[1]!;
      publisher().onnegotiationneeded?.();
      next.onnegotiationneeded?.();
      await settle();
      const offers = sent.filter(
        ({ payload }) => payload.kind === 'description' && payload.connection === 'publish',
      );
      expect(offers).toHaveLength(1);
      expect(next.applied).toEqual(['local offer']);
      expect(publisher().applied).toEqual([]);
    });
  });

  describe('view', () => {
    it('tells media whom this viewer shows large, once per change', () => {
      const { connection, sent } = make();
      connection.show('ben');
      connection.show('ben');
      connection.show(null);
      connection.show(null);
      connection.show('eva');
      expect(sent.map(({ to, payload }) => [to, payload])).toEqual([
        ['media', { kind: 'view', main: 'ben' }],
        ['media', { kind: 'view', main: null }],
        ['media', { kind: 'view', main: 'eva' }],
      ]);
    });

    it('never asks for anyone large when audio-only', () => {
      const { connection, sent } = make({ audioOnly: true });
      connection.show('ben');
      connection.show('eva');
      expect(sent.map(({ payload }) => payload)).toEqual([{ kind: 'view', main: null }]);
    });

    it('says nothing once closed', () => {
      const { connection, sent } = make();
      connection.close();
      connection.show('ben');
      connection.restartBroken();
      expect(sent).toEqual([]);
    });
  });

  describe('restartBroken', () => {
    it('says the view again and asks media once for an ICE restart of a broken subscriber', async () => {
      const { connection, sent, subscriber, publisher } = make();
      connection.show('ben');
      fromMedia(connection, subscribeOffer('audio:a0', []));
      await settle();
      subscriber().iceConnectionState = 'disconnected';
      sent.length = 0;

      connection.restartBroken();
      connection.restartBroken();
      expect(sent.map(({ payload }) => payload)).toEqual([
        { kind: 'view', main: 'ben' },
        { kind: 'iceRestart' },
        { kind: 'view', main: 'ben' },
      ]);
      expect(publisher().iceRestarts).toBe(0);

      // The server's new offer ends that broken spell: a later break asks again.
      fromMedia(connection, subscribeOffer('audio:a0', []));
      await settle();
      sent.length = 0;
      subscriber().ice('failed');
      expect(sent.map(({ payload }) => payload)).toEqual([{ kind: 'iceRestart' }]);
    });

    it('restarts ICE itself on a broken publisher, and asks nothing of a healthy one', () => {
      const { connection, sent, publisher } = make();
      connection.restartBroken();
      expect(sent).toEqual([]); // no view told yet, no subscriber
      expect(publisher().iceRestarts).toBe(0);

      publisher().iceConnectionState = 'failed';
      connection.restartBroken();
      expect(publisher().iceRestarts).toBe(1);
      expect(sent).toEqual([]);
    });
  });

  describe('what it ignores', () => {
    it('ignores messages that are not from media, and peer signals from media', async () => {
      const { connection, sent, publisher } = make();
      const offer = subscribeOffer('audio:a0', []);
      connection.handle('ben', offer);
      connection.handle('ben', { kind: 'cameraLayers', layers: ['l'] });
      connection.handle('ben', { kind: 'reset' });
      fromMedia(connection, { kind: 'cameraSize', size: 'small' });
      fromMedia(connection, { kind: 'description', description: { type: 'offer', sdp: 'x' } });
      await settle();
      expect(FakePeerConnection.created).toHaveLength(1);
      expect(publisher().closed).toBe(false);
      expect(publisher().applied).toEqual([]);
      expect(publisher().transceivers[1]!.sender.setParametersCalls).toBe(0);
      expect(sent).toEqual([]);
    });
  });
});
