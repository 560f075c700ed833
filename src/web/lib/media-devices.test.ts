import { describe, expect, it } from 'vitest';
import { captureConstraints, devicesOfKind, mediaProblemOf } from './media-devices.js';

describe('mediaProblemOf', () => {
  it('tells a refusal from a missing or busy device', () => {
    expect(mediaProblemOf(new DOMException('no', 'NotAllowedError'))).toBe('denied');
    expect(mediaProblemOf(new DOMException('none', 'NotFoundError'))).toBe('notFound');
    expect(mediaProblemOf(new DOMException('busy', 'NotReadableError'))).toBe('inUse');
    expect(mediaProblemOf(new Error('?'))).toBe('other');
    expect(mediaProblemOf(null)).toBe('other');
  });
});

describe('devicesOfKind', () => {
  const devices = [
    { deviceId: 'default', kind: 'audioinput' as const, label: 'Default' },
    { deviceId: 'mic-1', kind: 'audioinput' as const, label: 'USB microphone' },
    { deviceId: 'cam-1', kind: 'videoinput' as const, label: '' },
    { deviceId: 'cam-2', kind: 'videoinput' as const, label: '' },
    { deviceId: '', kind: 'videoinput' as const, label: '' },
  ];

  it('keeps one kind, drops aliases and hidden ids, and names unlabeled devices', () => {
    expect(devicesOfKind(devices, 'audioinput', (n) => `Mic ${n}`)).toEqual([
      { id: 'mic-1', label: 'USB microphone' },
    ]);
    expect(devicesOfKind(devices, 'videoinput', (n) => `Camera ${n}`)).toEqual([
      { id: 'cam-1', label: 'Camera 1' },
      { id: 'cam-2', label: 'Camera 2' },
    ]);
  });
});

describe('captureConstraints', () => {
  it('asks for no video when it is not wished', () => {
    expect(captureConstraints({ video: false, cameraId: 'c', microphoneId: null })).toEqual({
      audio: true,
      video: false,
    });
  });

  it('prefers the chosen devices without requiring them', () => {
    const constraints = captureConstraints({ video: true, cameraId: 'c', microphoneId: 'm' });
    expect(constraints.audio).toEqual({ deviceId: { ideal: 'm' } });
    expect(constraints.video).toMatchObject({ deviceId: { ideal: 'c' } });
  });
});
