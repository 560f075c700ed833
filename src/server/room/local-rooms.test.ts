import { describe, expect, it, vi } from 'vitest';
import { testMember } from '../../../test/support/room-bus-contract.js';
import type { MediaBackend } from '../media/media-backend.js';
import { ChatHistories } from './chat-history.js';
import { HeldPlaces } from './held-places.js';
import { LocalRooms } from './local-rooms.js';
import { InProcessRoomBus } from './room-bus.js';

const quiet = { warn() {}, error() {} };

/** One node's rooms over the in-process bus, holding Ana's place (epoch 1 of this node). */
async function nodeHoldingAna() {
  const bus = new InProcessRoomBus(quiet);
  const places = new HeldPlaces(bus, {} as MediaBackend, quiet, 1_000);
  const movedAway = vi.fn();
  const chat = new ChatHistories({ history: async () => [] });
  const rooms = new LocalRooms(bus, places, chat, quiet, {
    keptSignalMs: 1_000,
    closedRoom: () => {},
    notice: () => {},
    movedAway,
  });
  const member = testMember('ana', { node: bus.node, epoch: 1 });
  const joined = await bus.join('r1', member, 6);
  if (joined === 'full') throw new Error('room full');
  places.set('ana', { roomId: 'r1', member, seq: joined.seq });
  await rooms.listen('r1');
  return { bus, places, movedAway };
}

describe('LocalRooms', () => {
  it("ends this node's media for a place that resumed on another node", async () => {
    const { bus, places, movedAway } = await nodeHoldingAna();
    await bus.takeOver('r1', 'ana', { node: 'other-node', epoch: 7 });
    await vi.waitFor(() => expect(movedAway).toHaveBeenCalledWith('r1', 'ana'));
    expect(places.get('ana')).toBeUndefined();
  });

  it('keeps the media of a place that resumed on this same node', async () => {
    const { bus, places, movedAway } = await nodeHoldingAna();
    await bus.takeOver('r1', 'ana', { node: bus.node, epoch: 2 });
    await vi.waitFor(() => expect(places.get('ana')).toBeUndefined());
    expect(movedAway).not.toHaveBeenCalled();
  });
});
