import { roomBusContract } from '../../../test/support/room-bus-contract.js';
import { InProcessRoomBus } from './room-bus.js';

roomBusContract('InProcessRoomBus', () => {
  let rooms = 0;
  return {
    open: async (log) => new InProcessRoomBus(log),
    room: () => `room-${(rooms += 1)}`,
  };
});
