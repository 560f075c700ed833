import { describe, expect, it } from 'vitest';
import {
  mediaNoticeSchema,
  mediaRequestSchema,
  peerSignalSchema,
  serverFrameSchema,
  signalPayloadSchema,
} from './signaling.js';

const offer = { type: 'offer', sdp: 'v=0\r\n' } as const;
const streams = [{ mid: '0', peerId: 'abcdefghijkl', slot: 'camera' }];
const every = {
  description: { kind: 'description', description: offer },
  candidate: { kind: 'candidate', candidate: null },
  cameraSize: { kind: 'cameraSize', size: 'small' },
  view: { kind: 'view', main: null },
  iceRestart: { kind: 'iceRestart' },
  reset: { kind: 'reset' },
  cameraLayers: { kind: 'cameraLayers', layers: ['l'] },
};
const withConnection = {
  ...every,
  description: { ...every.description, connection: 'publish' },
  candidate: { ...every.candidate, connection: 'subscribe' },
};
const kindsParsedBy = (schema: { safeParse(x: unknown): { success: boolean } }, payloads: object) =>
  Object.entries(payloads)
    .filter(([, payload]) => schema.safeParse(payload).success)
    .map(([kind]) => kind);

describe('signaling payloads', () => {
  it('a signal frame carries every kind, either way', () => {
    expect(kindsParsedBy(signalPayloadSchema, every)).toEqual(Object.keys(every));
  });

  it('browsers send each other descriptions, candidates and camera sizes only', () => {
    expect(kindsParsedBy(peerSignalSchema, every)).toEqual([
      'description',
      'candidate',
      'cameraSize',
    ]);
  });

  it('a browser asks the media server for a connection by name, a view or an ICE restart', () => {
    expect(kindsParsedBy(mediaRequestSchema, withConnection)).toEqual([
      'description',
      'candidate',
      'view',
      'iceRestart',
    ]);
    // A description or candidate that names no connection is no request.
    expect(kindsParsedBy(mediaRequestSchema, every)).toEqual(['view', 'iceRestart']);
  });

  it('only the media server sends reset and camera layers', () => {
    expect(kindsParsedBy(mediaNoticeSchema, withConnection)).toEqual([
      'description',
      'candidate',
      'reset',
      'cameraLayers',
    ]);
  });

  it("keeps a media server offer's connection and streams in a server frame", () => {
    const payload = { ...withConnection.description, connection: 'subscribe', streams };
    const frame = serverFrameSchema.parse({ type: 'signal', from: 'media', payload });
    expect(frame).toEqual({ type: 'signal', from: 'media', payload });
  });

  it("relays a peer's description in a server frame as it was sent", () => {
    const frame = serverFrameSchema.parse({
      type: 'signal',
      from: 'x',
      payload: every.description,
    });
    expect(frame).toEqual({ type: 'signal', from: 'x', payload: every.description });
  });
});
