/**
 * Where a new room goes: the Janus instance with the fewest active publishers among those that
 * answer; on a tie, the one listed first in JANUS_URLS (so one instance takes every room).
 */
export interface InstanceLoad {
  url: string;
  up: boolean;
  publishers: number;
}

export function pickInstance<T extends InstanceLoad>(instances: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const instance of instances) {
    if (!instance.up) continue;
    if (!best || instance.publishers < best.publishers) best = instance;
  }
  return best;
}
