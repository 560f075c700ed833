/**
 * Which nodes sharing Redis are still running: each beats a key that expires unless renewed,
 * and records the rooms where it holds places. A node whose key expired has stopped (killed,
 * frozen, cut off); the first survivor to claim it adopts its places, exactly once.
 */
import type { RedisLink } from '../redis/redis-link.js';

/** Beat period and lifetime: a stopped node is noticed 6 to 8 s after its last beat. */
const BEAT_MS = 2_000;
const BEAT_TTL_MS = 6_000;
/** A survivor that dies while adopting leaves its claim to expire; another then finishes. */
const CLAIM_TTL_MS = 60_000;
/** How long a stopped node's room list waits to be claimed (survivors look every few s). */
const ROOMS_TTL_MS = 24 * 60 * 60_000;

type Log = { warn(obj: object, msg: string): void };

export class NodeWatch {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly link: RedisLink,
    private readonly node: string,
    private readonly log: Log,
  ) {
    this.timer = setInterval(() => void this.beat(), BEAT_MS);
    this.timer.unref();
    void this.beat();
  }

  /** Calls `adopt` with each stopped node (and its rooms) that this node claimed first. */
  async claimStopped(adopt: (node: string, rooms: string[]) => Promise<void>): Promise<void> {
    const commands = this.link.commands;
    for (const node of await commands.smembers(this.link.key('nodes'))) {
      if (node === this.node || (await commands.exists(this.link.key('node', node))) > 0) continue;
      const claim = this.link.key('node', node, 'claim');
      if ((await commands.set(claim, this.node, 'PX', CLAIM_TTL_MS, 'NX')) !== 'OK') continue;
      const roomsKey = this.link.key('node', node, 'rooms');
      const rooms = await commands.smembers(roomsKey);
      await adopt(node, rooms);
      await commands.multi().srem(this.link.key('nodes'), node).del(roomsKey).exec();
      this.log.warn(
        { stoppedNode: node, rooms: rooms.length },
        'adopted the places of a stopped node',
      );
    }
  }

  /** Shutting down: the key goes at once, so survivors adopt what is left without waiting. */
  stop(): void {
    clearInterval(this.timer);
    void this.link.commands.del(this.link.key('node', this.node)).catch(() => {});
  }

  private async beat(): Promise<void> {
    try {
      await this.link.commands
        .multi()
        .set(this.link.key('node', this.node), '1', 'PX', BEAT_TTL_MS)
        .sadd(this.link.key('nodes'), this.node)
        .pexpire(this.link.key('node', this.node, 'rooms'), ROOMS_TTL_MS)
        .exec();
    } catch {
      // Redis is down: RedisLink says so once; the next beat tries again.
    }
  }
}
