import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MEDIA_PREFERENCES } from '../../lib/media-preferences.js';
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
