import { describe, expect, it } from 'vitest';
import { testMember } from '../../../test/support/room-bus-contract.js';
import type { MediaBackend } from '../media/media-backend.js';
import { HeldPlaces } from './held-places.js';
import { InProcessRoomBus, type RoomBus, type RoomMember } from './room-bus.js';

const quiet = { warn() {}, error() {} };

/** The in-process bus, but with places of a stopped node to adopt (as Redis would find). */
function busWithOrphans(orphans: { roomId: string; member: RoomMember }[]): RoomBus {
  const bus = new InProcessRoomBus(quiet);
  bus.adoptOrphans = async () => orphans;
  return bus;
}

describe('HeldPlaces upkeep', () => {
  it('adopts the places of a stopped node, reconnecting, for this node to time out', async () => {
    const orphan = testMember('ben', { node: 'this-process', epoch: 9 });
    const places = new HeldPlaces(
      busWithOrphans([{ roomId: 'r1', member: orphan }]),
      {} as MediaBackend,
      quiet,
      1_000,
    );
    expect(await places.upkeep()).toEqual([{ roomId: 'r1', member: orphan, seq: 0 }]);
    expect(places.get('ben')?.member.holder.epoch).toBe(9);
  });

  it('leaves alone a place whose page is resuming on this node as it adopts', async () => {
    const adoption = testMember('ben', { node: 'this-process', epoch: 9 });
    const places = new HeldPlaces(
      busWithOrphans([{ roomId: 'r1', member: adoption }]),
      {} as MediaBackend,
      quiet,
      1_000,
    );
    // The resume set its place and waits for its take-over.
    const resuming = testMember('ben', { node: 'this-process', epoch: 10 });
    places.set('ben', { roomId: 'r1', member: resuming, seq: Infinity });
    expect(await places.upkeep()).toEqual([]);
    expect(places.get('ben')).toEqual({ roomId: 'r1', member: resuming, seq: Infinity });
  });
});
