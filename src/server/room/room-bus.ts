/**
 * Where a room's shared state lives and how its events reach every connection: the roster,
 * the numbered event log (kept for replay after a reconnect), the messages addressed to one
 * participant, and which node holds each participant's place. The hub only talks to this
 * interface, so nothing assumes one process: this in-process implementation serves one node;
 * `RedisRoomBus` (redis-room-bus.ts) serves several without changing callers.
 */
import { callEach } from '../../shared/listeners.js';
import type { RosterFile } from './roster-file.js';
import type {
  ChatMessage,
  Reaction,
  RoomParticipant,
  RoomEvent,
  ServerSignal,
} from '../../shared/signaling.js';
import type { HostNotice } from './host-notices.js';

/**
 * Which connection answers for a place: the node (one process run, so a restarted node is a new
 * one) and a number that node gives each connection. Changes of a place made on behalf of a
 * connection apply only while it still holds the place, so a node that lost the place (the
 * participant resumed elsewhere) cannot mark it reconnecting or remove it.
 */
export interface PlaceHolder {
  node: string;
  epoch: number;
}

export interface RoomMember {
  participant: RoomParticipant;
  /** Stable per session (guest session or member), never sent to browsers. */
  identity: string;
  /** Hash of the secret that lets a dropped connection take this place back. */
  resumeTokenHash: string;
  holder: PlaceHolder;
}

/** A message for one participant, kept while their socket is down. */
export interface KeptSignal {
  from: string;
  payload: ServerSignal;
}

export type BusMessage =
  | { kind: 'event'; event: RoomEvent }
  | ({ kind: 'signal'; to: string } & KeptSignal)
  /** The meeting was cancelled: every node ends its connections to the room. */
  | { kind: 'closed' }
  /**
   * Another connection now holds this place (a resume, maybe on another node, or a survivor
   * adopting the places of a node that stopped): older connections to it end. `seq` is the
   * number of the `updated` event the take-over made.
   */
  | { kind: 'taken'; peerId: string; holder: PlaceHolder; seq: number; adopted: boolean }
  /** A participant's reaction: to every connection in the room now, never logged nor kept. */
  | { kind: 'reaction'; peerId: string; reaction: Reaction }
  /** News of a host's decision for the connections it concerns (host-notices.ts). */
  | { kind: 'notice'; notice: HostNotice };

export interface RoomSnapshot {
  seq: number;
  members: RoomMember[];
}

export type LeaveReason = 'left' | 'timeout' | 'replaced';

export interface RoomBus {
  /** This process among the nodes sharing the bus: the `node` of the places it holds. */
  readonly node: string;
  /** False while the shared store cannot be reached (joins and changes would fail). */
  readonly available: boolean;
  /** Adds the member unless the room already holds `cap` participants. */
  join(roomId: string, member: RoomMember, cap: number): Promise<RoomEvent | 'full'>;
  /**
   * Changes a participant's public state; undefined when they are no longer in the room, or
   * when `holder` is given and no longer holds the place.
   */
  update(
    roomId: string,
    peerId: string,
    change: (participant: RoomParticipant) => RoomParticipant,
    holder?: PlaceHolder,
  ): Promise<RoomEvent | undefined>;
  /** Removes a participant (only while `holder`, when given, holds the place). */
  leave(
    roomId: string,
    peerId: string,
    reason: LeaveReason,
    holder?: PlaceHolder,
  ): Promise<RoomEvent | undefined>;
  /** A resume: `holder` now holds the place, no longer reconnecting; announced as `taken`. */
  takeOver(roomId: string, peerId: string, holder: PlaceHolder): Promise<RoomEvent | undefined>;
  chat(roomId: string, message: ChatMessage): Promise<RoomEvent>;
  /** A participant's page was reloaded: others renegotiate with it. */
  restarted(roomId: string, peerId: string): Promise<RoomEvent | undefined>;
  /** Shows `peerId`'s reaction to everyone in the room now (not numbered, not replayed). */
  react(roomId: string, peerId: string, reaction: Reaction): Promise<void>;
  /** A host locked or unlocked the meeting (the lock itself is in the database). */
  locked(roomId: string, locked: boolean, by: string): Promise<RoomEvent>;
  /** Delivers a host notice to the connections it concerns, on every node. */
  notify(roomId: string, notice: HostNotice): Promise<void>;
  snapshot(roomId: string): Promise<RoomSnapshot>;
  member(roomId: string, peerId: string): Promise<RoomMember | undefined>;
  /** The events after `seq` in order, or null when the log no longer reaches back that far. */
  eventsSince(roomId: string, seq: number): Promise<RoomEvent[] | null>;
  signal(roomId: string, to: string, from: string, payload: ServerSignal): Promise<void>;
  /** Keeps a message for a participant whose socket is down, for `ttlMs`, for any node. */
  keepSignal(roomId: string, peerId: string, signal: KeptSignal, ttlMs: number): Promise<void>;
  /** The messages kept for a participant, oldest first; they are kept no longer. */
  takeSignals(roomId: string, peerId: string): Promise<KeptSignal[]>;
  /** Tells every node holding connections to this room that it is closed. */
  close(roomId: string): Promise<void>;
  /** Resolves once messages of this room reach `listener`; the function stops them. */
  subscribe(roomId: string, listener: (message: BusMessage) => void): Promise<() => void>;
  /**
   * Called periodically by each node for each room it holds places in, with those places:
   * keeps the room's shared state from expiring, and puts back the places the store lost (a
   * restarted Redis). Numbering goes on after the last event this node delivered, so pages
   * never see numbers go back. Resolves with how many places were put back.
   */
  refresh(roomId: string, held: RoomMember[]): Promise<number>;
  /**
   * The places held by nodes that stopped (no heartbeat), each taken over by exactly one
   * surviving node: now held by `holder()` and reconnecting, for this node to time out.
   */
  adoptOrphans(holder: () => PlaceHolder): Promise<Array<{ roomId: string; member: RoomMember }>>;
  /** This node is shutting down: its heartbeat stops, so survivors adopt what it held. */
  stop(): void;
}

/** Events kept per room for replay; a drop of up to 30 s misses far fewer. */
export const LOG_LENGTH = 1000;
/** Messages kept per participant whose socket is down (an ICE restart sends a dozen). */
export const KEPT_SIGNALS = 200;

interface RoomState {
  id: string;
  seq: number;
  members: Map<string, RoomMember>;
  log: RoomEvent[];
  kept: Map<string, { signals: KeptSignal[]; until: number }>;
  listeners: Set<(message: BusMessage) => void>;
}

/** The holder of the places a restarted process found in its roster file, until adopted. */
const PREVIOUS_RUN: PlaceHolder = { node: 'previous-run', epoch: 0 };

/**
 * One node: the state is this process's, so nothing can be held elsewhere. With a roster file
 * (roster-file.ts) the rosters outlive the process: after a restart, even a `kill -9`, the
 * places of the previous run are back, reconnecting, held by `PREVIOUS_RUN` until the pages
 * resume them or the hub adopts them (`adoptOrphans`) and times out the rest, as a surviving
 * node does with a dead node's places. Numbering goes on LOG_LENGTH past the saved number: the
 * events in between are lost, and a page asking for them gets the snapshot alone.
 */
export class InProcessRoomBus implements RoomBus {
  readonly node = 'this-process';
  readonly available = true;
  private readonly rooms = new Map<string, RoomState>();

  constructor(
    private readonly log: { error(obj: object, msg: string): void },
    private readonly roster?: RosterFile,
  ) {
    for (const [roomId, saved] of roster?.load() ?? []) {
      const room = this.room(roomId);
      room.seq = saved.seq + LOG_LENGTH;
      for (const member of saved.members) {
        const participant = { ...member.participant, reconnecting: true };
        room.members.set(participant.peerId, { ...member, participant, holder: PREVIOUS_RUN });
      }
    }
  }

  async join(roomId: string, member: RoomMember, cap: number): Promise<RoomEvent | 'full'> {
    const room = this.room(roomId);
    const peerId = member.participant.peerId;
    if (!room.members.has(peerId) && room.members.size >= cap) return 'full';
    room.members.set(peerId, { ...member });
    return this.changed(room, { type: 'joined', participant: member.participant });
  }

  async update(
    roomId: string,
    peerId: string,
    change: (participant: RoomParticipant) => RoomParticipant,
    holder?: PlaceHolder,
  ): Promise<RoomEvent | undefined> {
    const room = this.rooms.get(roomId);
    const member = room?.members.get(peerId);
    if (!room || !member || !holds(member, holder)) return undefined;
    member.participant = change(member.participant);
    return this.changed(room, { type: 'updated', participant: member.participant });
  }

  async leave(
    roomId: string,
    peerId: string,
    reason: LeaveReason,
    holder?: PlaceHolder,
  ): Promise<RoomEvent | undefined> {
    const room = this.rooms.get(roomId);
    const member = room?.members.get(peerId);
    if (!room || !member || !holds(member, holder)) return undefined;
    room.members.delete(peerId);
    room.kept.delete(peerId);
    const event = this.changed(room, { type: 'left', peerId, reason });
    this.forgetIfIdle(roomId, room);
    return event;
  }

  async takeOver(
    roomId: string,
    peerId: string,
    holder: PlaceHolder,
  ): Promise<RoomEvent | undefined> {
    const room = this.rooms.get(roomId);
    const member = room?.members.get(peerId);
    if (!room || !member) return undefined;
    member.holder = holder;
    member.participant = { ...member.participant, reconnecting: false };
    const event = this.changed(room, { type: 'updated', participant: member.participant });
    this.publish(room, { kind: 'taken', peerId, holder, seq: event.seq, adopted: false });
    return event;
  }

  async chat(roomId: string, message: ChatMessage): Promise<RoomEvent> {
    return this.append(this.room(roomId), { type: 'chat', message });
  }

  async restarted(roomId: string, peerId: string): Promise<RoomEvent | undefined> {
    const room = this.rooms.get(roomId);
    if (!room?.members.has(peerId)) return undefined;
    return this.append(room, { type: 'restarted', peerId });
  }

  async react(roomId: string, peerId: string, reaction: Reaction): Promise<void> {
    const room = this.rooms.get(roomId);
    if (room?.members.has(peerId)) this.publish(room, { kind: 'reaction', peerId, reaction });
  }

  async locked(roomId: string, locked: boolean, by: string): Promise<RoomEvent> {
    return this.append(this.room(roomId), { type: 'locked', locked, by });
  }

  async notify(roomId: string, notice: HostNotice): Promise<void> {
    const room = this.rooms.get(roomId);
    if (room) this.publish(room, { kind: 'notice', notice });
  }

  async snapshot(roomId: string): Promise<RoomSnapshot> {
    const room = this.rooms.get(roomId);
    const members = room ? [...room.members.values()].map((m) => ({ ...m })) : [];
    return { seq: room?.seq ?? 0, members };
  }

  async member(roomId: string, peerId: string): Promise<RoomMember | undefined> {
    const member = this.rooms.get(roomId)?.members.get(peerId);
    return member && { ...member };
  }

  async eventsSince(roomId: string, seq: number): Promise<RoomEvent[] | null> {
    const room = this.rooms.get(roomId);
    if (!room) return seq === 0 ? [] : null;
    const first = room.log[0];
    if (seq >= room.seq) return [];
    if (!first || first.seq > seq + 1) return null;
    return room.log.slice(seq + 1 - first.seq);
  }

  async signal(roomId: string, to: string, from: string, payload: ServerSignal): Promise<void> {
    const room = this.rooms.get(roomId);
    if (room) this.publish(room, { kind: 'signal', to, from, payload });
  }

  async keepSignal(roomId: string, peerId: string, signal: KeptSignal, ttlMs: number) {
    const room = this.rooms.get(roomId);
    if (!room?.members.has(peerId)) return;
    const kept = room.kept.get(peerId);
    const signals = kept && kept.until > Date.now() ? kept.signals : [];
    if (signals.length < KEPT_SIGNALS) signals.push(signal);
    room.kept.set(peerId, { signals, until: Date.now() + ttlMs });
  }

  async takeSignals(roomId: string, peerId: string): Promise<KeptSignal[]> {
    const room = this.rooms.get(roomId);
    const kept = room?.kept.get(peerId);
    room?.kept.delete(peerId);
    return kept && kept.until > Date.now() ? kept.signals : [];
  }

  async close(roomId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    if (room) this.publish(room, { kind: 'closed' });
  }

  async subscribe(roomId: string, listener: (message: BusMessage) => void) {
    const room = this.room(roomId);
    room.listeners.add(listener);
    return () => {
      room.listeners.delete(listener);
      this.forgetIfIdle(roomId, room);
    };
  }

  /** Nothing to put back: this process is the store. */
  async refresh(): Promise<number> {
    return 0;
  }

  /**
   * No other node can stop while this one runs; the places of this node's previous run (from
   * the roster file) that no page took back yet are adopted, once, by `holder()`.
   */
  async adoptOrphans(
    holder: () => PlaceHolder,
  ): Promise<Array<{ roomId: string; member: RoomMember }>> {
    const adopted: Array<{ roomId: string; member: RoomMember }> = [];
    for (const room of this.rooms.values()) {
      let changed = false;
      for (const member of room.members.values()) {
        if (!holds(member, PREVIOUS_RUN)) continue;
        member.holder = holder();
        adopted.push({ roomId: room.id, member: { ...member } });
        changed = true;
      }
      if (changed) this.roster?.save(room.id, room.seq, room.members.values());
    }
    return adopted;
  }

  stop(): void {}

  private room(roomId: string): RoomState {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = {
        id: roomId,
        seq: 0,
        members: new Map(),
        log: [],
        kept: new Map(),
        listeners: new Set(),
      };
      this.rooms.set(roomId, room);
    }
    return room;
  }

  private append(room: RoomState, event: DistributiveOmit<RoomEvent, 'seq'>): RoomEvent {
    room.seq += 1;
    const numbered = { ...event, seq: room.seq } as RoomEvent;
    room.log.push(numbered);
    if (room.log.length > LOG_LENGTH) room.log.splice(0, room.log.length - LOG_LENGTH);
    this.publish(room, { kind: 'event', event: numbered });
    return numbered;
  }

  /** An event that changed the roster: saved (when there is a roster file) before it is told. */
  private changed(room: RoomState, event: DistributiveOmit<RoomEvent, 'seq'>): RoomEvent {
    this.roster?.save(room.id, room.seq + 1, room.members.values());
    return this.append(room, event);
  }

  /** A listener that throws is logged; the others, and the caller's change, go on. */
  private publish(room: RoomState, message: BusMessage): void {
    callEach(
      room.listeners,
      (listener) => listener(message),
      (error) => this.log.error({ err: error, kind: message.kind }, 'room bus listener failed'),
    );
  }

  /** An empty room nobody listens to is dropped; its numbering restarts with the next join. */
  private forgetIfIdle(roomId: string, room: RoomState): void {
    if (room.members.size === 0 && room.listeners.size === 0) this.rooms.delete(roomId);
  }
}

/** Whether `member`'s place is held by `holder` (any holder when none is given). */
export function holds(member: RoomMember, holder: PlaceHolder | undefined): boolean {
  return !holder || (member.holder.node === holder.node && member.holder.epoch === holder.epoch);
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
