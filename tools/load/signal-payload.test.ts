import { describe, expect, it } from 'vitest';
import { signalPayloadSchema } from '../../src/shared/signaling.js';
import { fromWire, toWire, type LoadSignal } from './signal-payload.js';

const signals: LoadSignal[] = [
  {
    kind: 'description',
    connection: 'publish',
    description: { type: 'offer', sdp: 'v=0\r\n' },
    streams: [{ mid: '0', peerId: 'Zr81mN0qQvTa', slot: 'audio' }],
  },
  { kind: 'description', description: { type: 'answer', sdp: 'v=0\r\n' } },
  { kind: 'candidate', connection: 'subscribe', candidate: null },
  { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' } },
  { kind: 'view', main: 'Zr81mN0qQvTa' },
  { kind: 'view', main: null },
  { kind: 'iceRestart' },
  { kind: 'reset' },
  { kind: 'cameraLayers', layers: ['m', 'l'] },
  { kind: 'cameraSize', size: 'small' },
];

describe('signal payloads of the load tool', () => {
  it.each(signals)('carries $kind through the wire as the server parses it today', (signal) => {
    const wire = toWire(signal);
    expect(signalPayloadSchema.parse(wire)).toEqual(wire);
    expect(fromWire(wire)).toEqual(signal);
  });
});
