import { describe, expect, it } from 'vitest';
import { handOffStream, isHandedOff, takeHandedOffStream } from './media-handoff.js';

const fakeStream = (readyState: 'live' | 'ended' = 'live') =>
  ({ getTracks: () => [{ readyState }] }) as unknown as MediaStream;

describe('media hand-off from the lobby to the room', () => {
  it('gives the stream to the room of the same meeting, once', () => {
    const stream = fakeStream();
    handOffStream('tok', stream);
    expect(takeHandedOffStream('tok')).toBe(stream);
    expect(takeHandedOffStream('tok')).toBeNull();
  });

  it('keeps a stream the room already took from being stopped by the closing lobby', () => {
    const stream = fakeStream();
    handOffStream('tok', stream);
    takeHandedOffStream('tok');
    expect(isHandedOff(stream)).toBe(true);
    expect(isHandedOff(fakeStream())).toBe(false);
  });

  it('gives nothing to another meeting, nor a stream whose tracks ended', () => {
    handOffStream('tok', fakeStream());
    expect(takeHandedOffStream('other')).toBeNull();
    handOffStream('tok', fakeStream('ended'));
    expect(takeHandedOffStream('tok')).toBeNull();
  });
});
