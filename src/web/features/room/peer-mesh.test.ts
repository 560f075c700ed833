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

  close(): void {}

  camera(): FakeSender {
    const sender = this.transceivers[1]?.sender;
    if (!sender) throw new Error('no camera transceiver');
    return sender;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PeerMesh camera encodings', () => {
  let sent: { to: string; payload: SignalPayload }[];
  let mesh: PeerMesh;

  beforeEach(() => {
    FakePeerConnection.created = [];
    vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
    sent = [];
    mesh = new PeerMesh(
      'ana',
      [],
      (to, payload) => sent.push({ to, payload }),
      { track: () => {}, connection: () => {} },
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
    mesh.handle('ben', { cameraSize: 'small' });
    mesh.handle('eva', { cameraSize: 'large' });
    await settle();
    expect(ben.parameters.encodings[0]).toMatchObject(THUMBNAIL_ENCODING);
    expect(eva.parameters.encodings[0]).toMatchObject(cameraEncodingFor(2));
    expect(eva.parameters.degradationPreference).toBe('maintain-resolution');
    // The first message set both; the second changed nothing and read nothing.
    expect([ben.getParametersCalls, eva.getParametersCalls]).toEqual([1, 1]);

    mesh.handle('eva', { cameraSize: 'large' });
    await settle();
    expect([ben.getParametersCalls, eva.getParametersCalls]).toEqual([1, 1]);

    mesh.handle('ben', { cameraSize: 'large' });
    await settle();
    expect(ben.parameters.encodings[0]).toMatchObject(cameraEncodingFor(2));
    expect([ben.getParametersCalls, eva.getParametersCalls]).toEqual([2, 1]);
  });

  it('sets an encoding again after WebRTC refused it', async () => {
    const { ben } = twoPeers();
    ben.failNextSet = true;
    mesh.handle('ben', { cameraSize: 'small' });
    await settle();
    expect(ben.parameters.encodings[0]).toEqual({});

    mesh.handle('eva', { cameraSize: 'small' });
    await settle();
    expect(ben.parameters.encodings[0]).toMatchObject(THUMBNAIL_ENCODING);
    expect(ben.getParametersCalls).toBe(2);
  });

  it('shares the upload again when a peer leaves', async () => {
    const { ben } = twoPeers();
    mesh.handle('ben', { cameraSize: 'large' });
    await settle();
    expect(ben.parameters.encodings[0]).toMatchObject(cameraEncodingFor(2));

    mesh.remove('eva');
    expect(ben.parameters.encodings[0]).toMatchObject(cameraEncodingFor(1));
  });
});
