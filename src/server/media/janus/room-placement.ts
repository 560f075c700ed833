/**
 * Where a new room goes: the Janus instance holding the fewest rooms (as every node counts
 * them, room-placements.ts) among those that are up; on a tie, the one listed first in
 * JANUS_URLS (so one instance takes every room).
 */
export interface InstanceLoad {
  url: string;
  up: boolean;
  /** Rooms placed on it. */
  rooms: number;
}

export function pickInstance<T extends InstanceLoad>(instances: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const instance of instances) {
    if (!instance.up) continue;
    if (!best || instance.rooms < best.rooms) best = instance;
  }
  return best;
}
