import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SignalPayload } from '../../../shared/signaling.js';
import { cameraEncodingFor, PeerMesh, THUMBNAIL_ENCODING } from './peer-mesh.js';

/**
 * Just enough of a browser's RTCPeerConnection to watch what the mesh asks of the camera's
 * sender; the real thing is exercised by the room's end-to-end tests in Chromium.
 */
class FakeSender {
  parameters: RTCRtpSendParameters = {
    transactionId: '1',
    encodings: [{}],
    codecs: [],
    headerExtensions: [],
    rtcp: {},
  };
  getParametersCalls = 0;
  failNextSet = false;

  getParameters(): RTCRtpSendParameters {
    this.getParametersCalls += 1;
    return structuredClone(this.parameters);
  }

  setParameters(parameters: RTCRtpSendParameters): Promise<void> {
    if (this.failNextSet) {
      this.failNextSet = false;
      return Promise.reject(new DOMException('not now', 'InvalidStateError'));
    }
    this.parameters = parameters;
    return Promise.resolve();
  }

  replaceTrack(): Promise<void> {
    return Promise.resolve();
  }
}

class FakePeerConnection {
  static created: FakePeerConnection[] = [];
  ontrack: ((event: { transceiver: unknown; track: unknown }) => void) | null = null;
  readonly transceivers: { sender: FakeSender }[] = [];
  localDescription: { type: string; sdp: string } | null = null;
  signalingState = 'stable';

  constructor() {
    FakePeerConnection.created.push(this);
  }

  addTransceiver() {
    const transceiver = { sender: new FakeSender() };
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

  setRemoteDescription(description: { type: string }): Promise<void> {
    this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
    return Promise.resolve();
  }

  close(): void {}

  /** As the browser does while it applies a remote description. */
  fireTrack(index: number, track: object): void {
    this.ontrack?.({ transceiver: this.transceivers[index], track });
  }

  camera(): FakeSender {
    const sender = this.transceivers[1]?.sender;
    if (!sender) throw new Error('no camera transceiver');
    return sender;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

class FakeMediaStream {
  constructor(readonly tracks: object[]) {}
}

describe('PeerMesh', () => {
  let sent: { to: string; payload: SignalPayload }[];
  let delivered: { peerId: string; slot: string; tracks: object[] }[];
  let mesh: PeerMesh;

  beforeEach(() => {
    FakePeerConnection.created = [];
    vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
    vi.stubGlobal('MediaStream', FakeMediaStream);
    sent = [];
    delivered = [];
    mesh = new PeerMesh(
      'ana',
      [],
      (to, payload) => sent.push({ to, payload }),
      {
        track: (peerId, slot, stream) =>
          delivered.push({ peerId, slot, tracks: (stream as unknown as FakeMediaStream).tracks }),
      },
      false,
    );
  });

  afterEach(() => {
    mesh.close();
    vi.unstubAllGlobals();
  });

  function twoPeers() {
    mesh.call('ben', 2);
    mesh.call('eva', 2);
    const [ben, eva] = FakePeerConnection.created.map((pc) => pc.camera());
    if (!ben || !eva) throw new Error('two connections expected');
    return { ben, eva };
  }

  it('encodes for each peer the size it shows, and asks WebRTC again only on a change', async () => {
    const { ben, eva } = twoPeers();
    mesh.handle('ben', { kind: 'cameraSize', size: 'small' });
    mesh.handle('eva', { kind: 'cameraSize', size: 'large' });
    await settle();
    expect(ben.parameters.encodings[0]).toMatchObject(THUMBNAIL_ENCODING);
    expect(eva.parameters.encodings[0]).toMatchObject(cameraEncodingFor(2));
    expect(eva.parameters.degradationPreference).toBe('maintain-resolution');
    // The first message set both; the second changed nothing and read nothing.
    expect([ben.getParametersCalls, eva.getParametersCalls]).toEqual([1, 1]);

    mesh.handle('eva', { kind: 'cameraSize', size: 'large' });
    await settle();
    expect([ben.getParametersCalls, eva.getParametersCalls]).toEqual([1, 1]);

    mesh.handle('ben', { kind: 'cameraSize', size: 'large' });
    await settle();
    expect(ben.parameters.encodings[0]).toMatchObject(cameraEncodingFor(2));
    expect([ben.getParametersCalls, eva.getParametersCalls]).toEqual([2, 1]);
  });

  it('sets an encoding again after WebRTC refused it', async () => {
    const { ben } = twoPeers();
    ben.failNextSet = true;
    mesh.handle('ben', { kind: 'cameraSize', size: 'small' });
    await settle();
    expect(ben.parameters.encodings[0]).toEqual({});

    mesh.handle('eva', { kind: 'cameraSize', size: 'small' });
    await settle();
    expect(ben.parameters.encodings[0]).toMatchObject(THUMBNAIL_ENCODING);
    expect(ben.getParametersCalls).toBe(2);
  });

  it('shares the upload again when a peer leaves', async () => {
    const { ben } = twoPeers();
    mesh.handle('ben', { kind: 'cameraSize', size: 'large' });
    await settle();
    expect(ben.parameters.encodings[0]).toMatchObject(cameraEncodingFor(2));

    mesh.remove('eva');
    expect(ben.parameters.encodings[0]).toMatchObject(cameraEncodingFor(1));
  });

  it('hands remote tracks to the room after the current task, all at once', async () => {
    twoPeers();
    const [ben, eva] = FakePeerConnection.created;
    const audio = { kind: 'audio' };
    const camera = { kind: 'video' };
    ben?.fireTrack(0, audio);
    ben?.fireTrack(1, camera);
    eva?.fireTrack(1, camera);
    // The room re-renders on each track: not before the description is applied and answered.
    expect(delivered).toEqual([]);
    await settle();
    expect(delivered).toEqual([
      { peerId: 'ben', slot: 'audio', tracks: [audio] },
      { peerId: 'ben', slot: 'camera', tracks: [camera] },
      { peerId: 'eva', slot: 'camera', tracks: [camera] },
    ]);
  });

  it('drops a track whose peer left before it was handed over', async () => {
    twoPeers();
    FakePeerConnection.created[0]?.fireTrack(1, { kind: 'video' });
    FakePeerConnection.created[1]?.fireTrack(1, { kind: 'video' });
    mesh.remove('ben');
    await settle();
    expect(delivered.map((d) => d.peerId)).toEqual(['eva']);
  });

  it('says when every connection it offered on has its answer applied', async () => {
    twoPeers();
    let answered = false;
    void mesh.offersAnswered().then(() => (answered = true));
    await settle(); // the offers are out
    mesh.handle('ben', { kind: 'description', description: { type: 'answer', sdp: 'v=0\r\n' } });
    await settle();
    expect(answered).toBe(false);

    mesh.handle('eva', { kind: 'description', description: { type: 'answer', sdp: 'v=0\r\n' } });
    await settle();
    expect(answered).toBe(true);
  });

  it('does not wait for the answer of a peer that left', async () => {
    twoPeers();
    let answered = false;
    void mesh.offersAnswered().then(() => (answered = true));
    await settle();
    mesh.handle('ben', { kind: 'description', description: { type: 'answer', sdp: 'v=0\r\n' } });
    mesh.remove('eva');
    await settle();
    expect(answered).toBe(true);
  });
});
