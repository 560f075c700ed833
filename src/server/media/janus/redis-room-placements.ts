/**
 * The room placements several app nodes share, in Redis (REDIS_URL). Each change is one Lua
 * script, so Redis runs it alone: two nodes placing the same room, or moving it off the same
 * failed instance, both get the first one's answer.
 *
 * Keys, under `tertulia:janus:`
 * - `room:<roomId>`      hash {instance, id, secret}: the placement (the secret never leaves
 *                        the servers; Redis is trusted like the database)
 * - `holders:<roomId>`   set of holder tokens: the room's users on every node
 * - `rooms:<url>`        sorted set roomId -> ms its placement lapses: the instance's load
 * - `instances`          set of every instance URL seen, for the view
 * - `down:<url>`         present while some node sees that instance down (expires by itself)
 * - `views:<roomId>`     hash peerId -> whom they show large ('' for nobody)
 * and the channels `janus:moved` and `janus:views` (the id of the room that changed).
 *
 * Placements and holders expire PLACEMENT_TTL_MS after the last join or move: a node that dies
 * without letting go of its rooms leaves them for a day, not for ever, and the load counts
 * only rooms not lapsed. A meeting that runs longer without anyone joining keeps its place all
 * the same: the backend places (and so refreshes) it on each join to an emptied node.
 * The scripts name the per-instance keys from the placement they read, so this needs one Redis
 * (not Redis Cluster), like the rest of Tertulia's Redis use.
 */
import { z } from 'zod';
import type { RedisLink } from '../../redis/redis-link.js';
import {
  NoInstanceError,
  type ChoosePlacement,
  type InstancesView,
  type Placement,
  type RoomPlacements,
} from './room-placements.js';

export const PLACEMENT_TTL_MS = 24 * 60 * 60_000;
const MOVED_CHANNEL = 'janus:moved';
const VIEWS_CHANNEL = 'janus:views';

type Log = { warn(obj: object, msg: string): void };

/** KEYS room, holders; ARGV prefix, roomId, holder, ttlMs, nowMs[, instance, id, secret]. */
const PLACE = `
local room, holders = KEYS[1], KEYS[2]
local prefix, roomId, ttl, now = ARGV[1], ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('EXISTS', room) == 0 then
  if not ARGV[6] then return nil end
  redis.call('HSET', room, 'instance', ARGV[6], 'id', ARGV[7], 'secret', ARGV[8])
  redis.call('SADD', prefix .. 'janus:instances', ARGV[6])
end
redis.call('SADD', holders, ARGV[3])
redis.call('PEXPIRE', room, ttl)
redis.call('PEXPIRE', holders, ttl)
local placement = redis.call('HMGET', room, 'instance', 'id', 'secret')
redis.call('ZADD', prefix .. 'janus:rooms:' .. placement[1], now + ttl, roomId)
return placement
`;

/**
 * KEYS room, holders; ARGV prefix, roomId, holder, ttlMs, nowMs, fromInstance, fromId,
 * toInstance, toId, toSecret. Moves only a room still at `from` (or one that lapsed).
 */
const MOVE = `
local room, holders = KEYS[1], KEYS[2]
local prefix, roomId, ttl, now = ARGV[1], ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[5])
local current = redis.call('HMGET', room, 'instance', 'id')
local moved = 0
if not current[1] or (current[1] == ARGV[6] and current[2] == ARGV[7]) then
  if current[1] then redis.call('ZREM', prefix .. 'janus:rooms:' .. current[1], roomId) end
  redis.call('HSET', room, 'instance', ARGV[8], 'id', ARGV[9], 'secret', ARGV[10])
  redis.call('SADD', prefix .. 'janus:instances', ARGV[8])
  moved = 1
end
redis.call('SADD', holders, ARGV[3])
redis.call('PEXPIRE', room, ttl)
redis.call('PEXPIRE', holders, ttl)
local placement = redis.call('HMGET', room, 'instance', 'id', 'secret')
redis.call('ZADD', prefix .. 'janus:rooms:' .. placement[1], now + ttl, roomId)
return {moved, placement}
`;

/** KEYS room, holders; ARGV prefix, roomId, holder. The placement when the last holder left. */
const FORGET = `
local room, holders = KEYS[1], KEYS[2]
redis.call('SREM', holders, ARGV[3])
if redis.call('SCARD', holders) > 0 then return nil end
local placement = redis.call('HMGET', room, 'instance', 'id', 'secret')
redis.call('DEL', room, holders, ARGV[1] .. 'janus:views:' .. ARGV[2])
if not placement[1] then return nil end
redis.call('ZREM', ARGV[1] .. 'janus:rooms:' .. placement[1], ARGV[2])
return placement
`;

const placementReply = z
  .tuple([z.string(), z.string().regex(/^\d+$/), z.string()])
  .transform(([instanceUrl, id, secret]): Placement => ({
    instanceUrl,
    janusRoomId: Number(id),
    secret,
  }));
const moveReply = z.tuple([z.number(), placementReply]);

export class RedisRoomPlacements implements RoomPlacements {
  private readonly listeners = new Set<(roomId: string) => void>();
  private readonly viewListeners = new Set<(roomId: string) => void>();
  /** `tertulia:`, for the keys the scripts build from what they read. */
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisLink,
    log: Log,
    private readonly now: () => number = Date.now,
  ) {
    this.prefix = redis.key('');
    for (const [channel, listeners] of [
      [MOVED_CHANNEL, this.listeners],
      [VIEWS_CHANNEL, this.viewListeners],
    ] as const) {
      redis
        .subscribe(channel, (roomId) => {
          for (const listener of listeners) listener(roomId);
        })
        .catch((error: unknown) =>
          log.warn({ err: error, channel }, "not listening to the other nodes' Janus rooms"),
        );
    }
  }

  async placeOnce(roomId: string, holder: string, choose: ChoosePlacement): Promise<Placement> {
    const existing = await this.place(roomId, holder, []);
    if (existing) return existing;
    const chosen = choose(await this.view());
    if (!chosen) throw new NoInstanceError();
    const placed = await this.place(roomId, holder, [
      chosen.instanceUrl,
      String(chosen.janusRoomId),
      chosen.secret,
    ]);
    if (!placed) throw new Error('Redis kept no placement');
    return placed;
  }

  async moved(
    roomId: string,
    holder: string,
    from: Placement,
    choose: ChoosePlacement,
  ): Promise<Placement> {
    // Chosen before knowing whether it is needed: the script must be given it (a move is rare).
    const to = choose(await this.view());
    if (!to) throw new NoInstanceError();
    const reply = await this.redis.commands.eval(
      MOVE,
      2,
      ...this.roomKeys(roomId),
      ...this.common(roomId, holder),
      from.instanceUrl,
      String(from.janusRoomId),
      to.instanceUrl,
      String(to.janusRoomId),
      to.secret,
    );
    const [moved, placement] = moveReply.parse(reply);
    if (moved === 1) await this.redis.publish(MOVED_CHANNEL, roomId);
    return placement;
  }

  async current(roomId: string): Promise<Placement | undefined> {
    const [key] = this.roomKeys(roomId);
    const reply = await this.redis.commands.hmget(key, 'instance', 'id', 'secret');
    return reply[0] === null ? undefined : placementReply.parse(reply);
  }

  async forget(roomId: string, holder: string): Promise<Placement | undefined> {
    const reply = await this.redis.commands.eval(
      FORGET,
      2,
      ...this.roomKeys(roomId),
      this.prefix,
      roomId,
      holder,
    );
    return reply === null ? undefined : placementReply.parse(reply);
  }

  async markDown(instanceUrl: string, forMs: number): Promise<void> {
    await this.redis.commands
      .multi()
      .set(this.redis.key('janus', 'down', instanceUrl), '1', 'PX', Math.max(1, Math.round(forMs)))
      .sadd(this.redis.key('janus', 'instances'), instanceUrl)
      .exec();
  }

  async markUp(instanceUrl: string): Promise<void> {
    await this.redis.commands.del(this.redis.key('janus', 'down', instanceUrl));
  }

  async view(): Promise<InstancesView> {
    const urls = await this.redis.commands.smembers(this.redis.key('janus', 'instances'));
    const pipeline = this.redis.commands.pipeline();
    const now = this.now();
    for (const url of urls) {
      const rooms = this.redis.key('janus', 'rooms', url);
      pipeline
        .exists(this.redis.key('janus', 'down', url))
        .zremrangebyscore(rooms, '-inf', now)
        .zcard(rooms);
    }
    const replies = (await pipeline.exec()) ?? [];
    const down = new Set<string>();
    const rooms = new Map<string, number>();
    urls.forEach((url, i) => {
      const [isDown, , count] = replies.slice(i * 3, i * 3 + 3).map(([error, value]) => {
        if (error) throw error;
        return Number(value);
      });
      if (isDown) down.add(url);
      if (count) rooms.set(url, count);
    });
    return { down, rooms };
  }

  onMoved(listener: (roomId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async setView(roomId: string, peerId: string, main: string | null | undefined): Promise<void> {
    const key = this.redis.key('janus', 'views', roomId);
    const change = this.redis.commands.multi();
    if (main === undefined) change.hdel(key, peerId);
    else change.hset(key, peerId, main ?? '').pexpire(key, PLACEMENT_TTL_MS);
    await change.exec();
    await this.redis.publish(VIEWS_CHANNEL, roomId);
  }

  async views(roomId: string): Promise<Map<string, string | null>> {
    const views = await this.redis.commands.hgetall(this.redis.key('janus', 'views', roomId));
    return new Map(Object.entries(views).map(([peerId, main]) => [peerId, main || null]));
  }

  onViews(listener: (roomId: string) => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  private async place(
    roomId: string,
    holder: string,
    choice: string[],
  ): Promise<Placement | undefined> {
    const reply = await this.redis.commands.eval(
      PLACE,
      2,
      ...this.roomKeys(roomId),
      ...this.common(roomId, holder),
      ...choice,
    );
    return reply === null ? undefined : placementReply.parse(reply);
  }

  private roomKeys(roomId: string): [string, string] {
    return [this.redis.key('janus', 'room', roomId), this.redis.key('janus', 'holders', roomId)];
  }

  private common(roomId: string, holder: string): string[] {
    return [this.prefix, roomId, holder, String(PLACEMENT_TTL_MS), String(this.now())];
  }
}
