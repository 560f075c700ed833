/**
 * The room bus for several nodes (REDIS_URL): rosters, event numbers and logs in Redis, changes
 * made by Lua scripts (redis-room-scripts.ts) so they are whole and ordered, delivery through
 * one pub/sub channel per room. Each node beats a heartbeat key; the places of a node whose key
 * expired are adopted by exactly one survivor (a claim key), which times them out.
 * Keys, channels and TTLs: docs/decisions/008-room-bus-on-redis.md.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  mediaNoticeSchema,
  peerSignalSchema,
  reactionSchema,
  roomEventSchema,
  roomParticipantSchema,
  type ChatMessage,
  type Reaction,
  type RoomEvent,
  type RoomParticipant,
  type ServerSignal,
} from '../../shared/signaling.js';
import type { RedisLink } from '../redis/redis-link.js';
import {
  holds,
  KEPT_SIGNALS,
  LOG_LENGTH,
  type BusMessage,
  type KeptSignal,
  type LeaveReason,
  type PlaceHolder,
  type RoomBus,
  type RoomMember,
  type RoomSnapshot,
} from './room-bus.js';
import { APPEND, CHANGE, EVENTS_SINCE, JOIN, REFRESH } from './redis-room-scripts.js';
import { NodeWatch } from './redis-node-watch.js';
import { hostNoticeSchema, type HostNotice } from './host-notices.js';

/** A room's keys outlive its last activity this long; nodes holding places refresh them. */
const ROOM_TTL_MS = 10 * 60_000;
/** A compare-and-set that keeps losing to other writers gives up after this many tries. */
const MAX_TRIES = 8;

type Log = { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

export interface RedisRoomBusOptions {
  /** NODE_ID; a random suffix tells this process from an earlier run of the same node. */
  nodeId: string;
  /** Each message delivered, with the milliseconds since it was published (for metrics). */
  onDelivered?: (latencyMs: number) => void;
}

const storedMemberSchema = z.object({
  participant: roomParticipantSchema,
  identity: z.string(),
  resumeTokenHash: z.string(),
});
type StoredMember = z.infer<typeof storedMemberSchema>;

// Notices first: a peer description would otherwise match an SFU one and lose its connection.
const serverSignalSchema = z.union([mediaNoticeSchema, peerSignalSchema]);
const keptSignalSchema = z.object({ from: z.string(), payload: serverSignalSchema });
const holderSchema = z.object({ node: z.string(), epoch: z.number() });
const busMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), at: z.number(), event: roomEventSchema }),
  z.object({
    kind: z.literal('signal'),
    at: z.number(),
    to: z.string(),
    from: z.string(),
    payload: serverSignalSchema,
  }),
  z.object({ kind: z.literal('closed') }),
  z.object({
    kind: z.literal('taken'),
    seq: z.number(),
    peerId: z.string(),
    holder: holderSchema,
    adopted: z.boolean(),
  }),
  z.object({ kind: z.literal('reaction'), peerId: z.string(), reaction: reactionSchema }),
  z.object({ kind: z.literal('notice'), notice: hostNoticeSchema }),
]);

export class RedisRoomBus implements RoomBus {
  readonly node: string;
  private readonly watch: NodeWatch;
  /** Per subscribed room, the highest event number delivered here (see recover() in the scripts). */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly link: RedisLink,
    private readonly log: Log,
    private readonly options: RedisRoomBusOptions,
  ) {
    this.node = `${options.nodeId}#${randomBytes(4).toString('hex')}`;
    this.watch = new NodeWatch(link, this.node, log);
  }

  get available(): boolean {
    return this.link.isUp;
  }

  async join(roomId: string, member: RoomMember, cap: number): Promise<RoomEvent | 'full'> {
    const { participant } = member;
    const event = { type: 'joined', participant } as const;
    const seq = await this.run(JOIN, roomId, [
      participant.peerId,
      JSON.stringify(stored(member)),
      holderText(member.holder),
      cap,
      JSON.stringify(event),
    ]);
    return seq < 0 ? 'full' : { ...event, seq };
  }

  async update(
    roomId: string,
    peerId: string,
    change: (participant: RoomParticipant) => RoomParticipant,
    holder?: PlaceHolder,
  ): Promise<RoomEvent | undefined> {
    return this.changeMember(roomId, peerId, change, { required: holder });
  }

  async leave(
    roomId: string,
    peerId: string,
    reason: LeaveReason,
    holder?: PlaceHolder,
  ): Promise<RoomEvent | undefined> {
    const event = { type: 'left', peerId, reason } as const;
    const seq = await this.run(CHANGE, roomId, [
      peerId,
      '',
      holder ? holderText(holder) : '',
      '',
      '',
      JSON.stringify(event),
      '',
    ]);
    if (seq <= 0) return undefined;
    await this.link.commands.del(this.keptKey(roomId, peerId)).catch(() => {});
    return { ...event, seq };
  }

  async takeOver(
    roomId: string,
    peerId: string,
    holder: PlaceHolder,
  ): Promise<RoomEvent | undefined> {
    return this.changeMember(roomId, peerId, (p) => ({ ...p, reconnecting: false }), {
      newHolder: holder,
      adopted: false,
    });
  }

  async chat(roomId: string, message: ChatMessage): Promise<RoomEvent> {
    const event = { type: 'chat', message } as const;
    const seq = await this.run(APPEND, roomId, ['', JSON.stringify(event)]);
    return { ...event, seq };
  }

  async restarted(roomId: string, peerId: string): Promise<RoomEvent | undefined> {
    const event = { type: 'restarted', peerId } as const;
    const seq = await this.run(APPEND, roomId, [peerId, JSON.stringify(event)]);
    return seq > 0 ? { ...event, seq } : undefined;
  }

  /** Published only: a reaction is a moment's picture, not room state (the hub checked the sender). */
  async react(roomId: string, peerId: string, reaction: Reaction): Promise<void> {
    const message = { kind: 'reaction', peerId, reaction };
    await this.link.publish(this.channel(roomId), JSON.stringify(message));
  }

  async locked(roomId: string, locked: boolean, by: string): Promise<RoomEvent> {
    const event = { type: 'locked', locked, by } as const;
    const seq = await this.run(APPEND, roomId, ['', JSON.stringify(event)]);
    return { ...event, seq };
  }

  async notify(roomId: string, notice: HostNotice): Promise<void> {
    await this.link.publish(this.channel(roomId), JSON.stringify({ kind: 'notice', notice }));
  }

  async snapshot(roomId: string): Promise<RoomSnapshot> {
    const replies = await this.link.commands
      .multi()
      .get(this.roomKey(roomId, 'seq'))
      .hgetall(this.roomKey(roomId, 'members'))
      .hgetall(this.roomKey(roomId, 'holders'))
      .exec();
    const [seq, members, holders] = results(replies) as [
      string | null,
      Record<string, string>,
      Record<string, string>,
    ];
    return {
      seq: Number(seq ?? 0),
      // A hash has no order; people are listed as they joined, as on one node.
      members: Object.entries(members)
        .map(([peerId, json]) => member(json, holders[peerId] ?? ''))
        .sort((x, y) => x.participant.joinedAt.localeCompare(y.participant.joinedAt)),
    };
  }

  async member(roomId: string, peerId: string): Promise<RoomMember | undefined> {
    const [json, holder] = await this.read(roomId, peerId);
    return json ? member(json, holder ?? '') : undefined;
  }

  async eventsSince(roomId: string, seq: number): Promise<RoomEvent[] | null> {
    const reply = (await this.link.commands.eval(
      EVENTS_SINCE,
      2,
      this.roomKey(roomId, 'seq'),
      this.roomKey(roomId, 'log'),
      seq,
      LOG_LENGTH,
    )) as [number, ...string[]];
    const [current, ...texts] = reply;
    if (current === 0) return seq === 0 ? [] : null;
    if (seq >= current) return [];
    const events = texts.map((text) => roomEventSchema.parse(JSON.parse(text)));
    const complete = events.length === current - seq && events[0]?.seq === seq + 1;
    return complete ? events : null;
  }

  async signal(roomId: string, to: string, from: string, payload: ServerSignal): Promise<void> {
    const message = { kind: 'signal', at: Date.now(), to, from, payload };
    await this.link.publish(this.channel(roomId), JSON.stringify(message));
  }

  async keepSignal(roomId: string, peerId: string, signal: KeptSignal, ttlMs: number) {
    const key = this.keptKey(roomId, peerId);
    await this.link.commands
      .multi()
      .rpush(key, JSON.stringify(signal))
      .ltrim(key, 0, KEPT_SIGNALS - 1)
      .pexpire(key, Math.max(1, Math.round(ttlMs)))
      .exec();
  }

  async takeSignals(roomId: string, peerId: string): Promise<KeptSignal[]> {
    const key = this.keptKey(roomId, peerId);
    const replies = await this.link.commands.multi().lrange(key, 0, -1).del(key).exec();
    const [texts] = results(replies) as [string[]];
    return texts.map((text) => keptSignalSchema.parse(JSON.parse(text)));
  }

  async close(roomId: string): Promise<void> {
    await this.link.publish(this.channel(roomId), JSON.stringify({ kind: 'closed' }));
  }

  async subscribe(roomId: string, listener: (message: BusMessage) => void) {
    // A new subscription would wait for Redis to come back; the caller is told at once instead.
    if (!this.link.isUp) throw new Error('Redis is unreachable');
    const stop = await this.link.subscribe(this.channel(roomId), (text) => {
      let message: BusMessage;
      try {
        const parsed = busMessageSchema.parse(JSON.parse(text));
        if (parsed.kind === 'event') {
          this.seen.set(roomId, Math.max(this.seen.get(roomId) ?? 0, parsed.event.seq));
        }
        if (parsed.kind === 'event' || parsed.kind === 'signal') {
          const { at, ...rest } = parsed;
          this.options.onDelivered?.(Date.now() - at);
          message = rest;
        } else {
          message = parsed;
        }
      } catch (error) {
        return this.log.error({ err: error, roomId }, 'room bus message not understood');
      }
      try {
        listener(message);
      } catch (error) {
        this.log.error({ err: error, kind: message.kind }, 'room bus listener failed');
      }
    });
    return () => {
      stop();
      this.seen.delete(roomId);
    };
  }

  async refresh(roomId: string, held: RoomMember[]): Promise<number> {
    const quadruples = held.flatMap((m) => [
      m.participant.peerId,
      JSON.stringify(stored(m)),
      holderText(m.holder),
      JSON.stringify({ type: 'joined', participant: m.participant }),
    ]);
    return this.run(REFRESH, roomId, quadruples);
  }

  async adoptOrphans(holder: () => PlaceHolder) {
    const adopted: Array<{ roomId: string; member: RoomMember }> = [];
    await this.watch.claimStopped(async (node, rooms) => {
      for (const roomId of rooms) {
        const holders = await this.link.commands.hgetall(this.roomKey(roomId, 'holders'));
        for (const [peerId, text] of Object.entries(holders)) {
          if (parseHolder(text).node !== node) continue;
          const mine = holder();
          const event = await this.changeMember(
            roomId,
            peerId,
            (p) => ({ ...p, reconnecting: true }),
            {
              required: parseHolder(text),
              newHolder: mine,
              adopted: true,
            },
          );
          const taken = event && (await this.member(roomId, peerId));
          // Read after the change: a page that resumed meanwhile holds it now, not this node's
          // adoption, whose timer would otherwise remove the resumed place after the grace.
          if (taken && holds(taken, mine)) adopted.push({ roomId, member: taken });
        }
      }
    });
    return adopted;
  }

  stop(): void {
    this.watch.stop();
  }

  /**
   * Reads the member, changes its participant and writes it back if nobody wrote it meanwhile
   * (else reads again). With `newHolder`, the place changes hands and a `taken` is published.
   */
  private async changeMember(
    roomId: string,
    peerId: string,
    change: (participant: RoomParticipant) => RoomParticipant,
    how: { required?: PlaceHolder; newHolder?: PlaceHolder; adopted?: boolean },
  ): Promise<RoomEvent | undefined> {
    for (let attempt = 0; attempt < MAX_TRIES; attempt += 1) {
      const [json] = await this.read(roomId, peerId);
      if (!json) return undefined;
      const current = storedMemberSchema.parse(JSON.parse(json));
      const participant = change(current.participant);
      const event = { type: 'updated', participant } as const;
      const taken = how.newHolder && {
        kind: 'taken',
        peerId,
        holder: how.newHolder,
        adopted: how.adopted ?? false,
      };
      const seq = await this.run(CHANGE, roomId, [
        peerId,
        json,
        how.required ? holderText(how.required) : '',
        JSON.stringify({ ...current, participant }),
        how.newHolder ? holderText(how.newHolder) : '',
        JSON.stringify(event),
        taken ? JSON.stringify(taken) : '',
      ]);
      if (seq === 0) return undefined;
      if (seq > 0) return { ...event, seq };
    }
    throw new Error(`room member ${peerId} changed too often to be updated`);
  }

  private async read(roomId: string, peerId: string): Promise<[string | null, string | null]> {
    const replies = await this.link.commands
      .multi()
      .hget(this.roomKey(roomId, 'members'), peerId)
      .hget(this.roomKey(roomId, 'holders'), peerId)
      .exec();
    return results(replies) as [string | null, string | null];
  }

  /** Runs a room script (see redis-room-scripts.ts for its keys and arguments). */
  private async run(script: string, roomId: string, args: Array<string | number>) {
    const keys = [
      this.roomKey(roomId, 'members'),
      this.roomKey(roomId, 'holders'),
      this.roomKey(roomId, 'seq'),
      this.roomKey(roomId, 'log'),
      this.link.key('node', this.node, 'rooms'),
      this.roomKey(roomId, 'restoring'),
    ];
    const common = [
      ROOM_TTL_MS,
      this.link.key(this.channel(roomId)),
      Date.now(),
      roomId,
      this.seen.get(roomId) ?? 0,
    ];
    const reply = await this.link.commands.eval(script, keys.length, ...keys, ...common, ...args);
    return Number(reply);
  }

  private roomKey(roomId: string, part: string): string {
    return this.link.key('room', roomId, part);
  }

  private keptKey(roomId: string, peerId: string): string {
    return this.link.key('room', roomId, 'kept', peerId);
  }

  /** Relative to the link's prefix (RedisLink.publish/subscribe add it). */
  private channel(roomId: string): string {
    return `room:${roomId}`;
  }
}

function stored(member: RoomMember): StoredMember {
  const { participant, identity, resumeTokenHash } = member;
  return { participant, identity, resumeTokenHash };
}

function member(json: string, holder: string): RoomMember {
  return { ...storedMemberSchema.parse(JSON.parse(json)), holder: parseHolder(holder) };
}

/** `"<node> <epoch>"`: NODE_ID has no spaces, so the text compares as the holder does. */
function holderText(holder: PlaceHolder): string {
  return `${holder.node} ${holder.epoch}`;
}

function parseHolder(text: string): PlaceHolder {
  const space = text.lastIndexOf(' ');
  return { node: text.slice(0, space), epoch: Number(text.slice(space + 1)) };
}

/** The replies of a MULTI, failing on the first error in it. */
function results(replies: Array<[Error | null, unknown]> | null): unknown[] {
  if (!replies) throw new Error('Redis discarded the transaction');
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
