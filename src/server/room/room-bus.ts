/**
 * Where a room's shared state lives and how its events reach every connection: the roster,
 * the numbered event log (kept for replay after a reconnect) and the messages addressed to one
 * participant. The hub only talks to this interface, so nothing assumes one process: this
 * in-process implementation serves one node; a Redis one (INCR for `seq`, a capped stream for
 * the log, a hash for the roster, pub/sub for delivery) serves several without changing callers.
 */
import { callEach } from '../../shared/listeners.js';
import type {
  ChatMessage,
  RoomParticipant,
  RoomEvent,
  ServerSignal,
} from '../../shared/signaling.js';

export interface RoomMember {
  participant: RoomParticipant;
  /** Stable per session (guest session or member), never sent to browsers. */
  identity: string;
  /** Hash of the secret that lets a dropped connection take this place back. */
  resumeTokenHash: string;
}

export type BusMessage =
  | { kind: 'event'; event: RoomEvent }
  | { kind: 'signal'; to: string; from: string; payload: ServerSignal }
  /** The meeting was cancelled: every node ends its connections to the room. */
  | { kind: 'closed' };

export interface RoomSnapshot {
  seq: number;
  members: RoomMember[];
}

export interface RoomBus {
  /** Adds the member unless the room already holds `cap` participants. */
  join(roomId: string, member: RoomMember, cap: number): Promise<RoomEvent | 'full'>;
  /** Changes a participant's public state; undefined when they are no longer in the room. */
  update(
    roomId: string,
    peerId: string,
    change: (participant: RoomParticipant) => RoomParticipant,
  ): Promise<RoomEvent | undefined>;
  leave(
    roomId: string,
    peerId: string,
    reason: 'left' | 'timeout' | 'replaced',
  ): Promise<RoomEvent | undefined>;
  chat(roomId: string, message: ChatMessage): Promise<RoomEvent>;
  /** A participant's page was reloaded: others renegotiate with it. */
  restarted(roomId: string, peerId: string): Promise<RoomEvent | undefined>;
  snapshot(roomId: string): Promise<RoomSnapshot>;
  member(roomId: string, peerId: string): Promise<RoomMember | undefined>;
  /** The events after `seq` in order, or null when the log no longer reaches back that far. */
  eventsSince(roomId: string, seq: number): Promise<RoomEvent[] | null>;
  signal(roomId: string, to: string, from: string, payload: ServerSignal): Promise<void>;
  /** Tells every node holding connections to this room that it is closed. */
  close(roomId: string): Promise<void>;
  subscribe(roomId: string, listener: (message: BusMessage) => void): () => void;
}

/** Events kept per room for replay; a drop of up to 30 s misses far fewer. */
const LOG_LENGTH = 1000;

interface RoomState {
  seq: number;
  members: Map<string, RoomMember>;
  log: RoomEvent[];
  listeners: Set<(message: BusMessage) => void>;
}

export class InProcessRoomBus implements RoomBus {
  private readonly rooms = new Map<string, RoomState>();

  constructor(private readonly log: { error(obj: object, msg: string): void }) {}

  async join(roomId: string, member: RoomMember, cap: number): Promise<RoomEvent | 'full'> {
    const room = this.room(roomId);
    if (room.members.size >= cap) return 'full';
    room.members.set(member.participant.peerId, member);
    return this.append(room, { type: 'joined', participant: member.participant });
  }

  async update(
    roomId: string,
    peerId: string,
    change: (participant: RoomParticipant) => RoomParticipant,
  ): Promise<RoomEvent | undefined> {
    const room = this.rooms.get(roomId);
    const member = room?.members.get(peerId);
    if (!room || !member) return undefined;
    member.participant = change(member.participant);
    return this.append(room, { type: 'updated', participant: member.participant });
  }

  async leave(
    roomId: string,
    peerId: string,
    reason: 'left' | 'timeout' | 'replaced',
  ): Promise<RoomEvent | undefined> {
    const room = this.rooms.get(roomId);
    if (!room?.members.delete(peerId)) return undefined;
    const event = this.append(room, { type: 'left', peerId, reason });
    this.forgetIfIdle(roomId, room);
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

  async snapshot(roomId: string): Promise<RoomSnapshot> {
    const room = this.rooms.get(roomId);
    return { seq: room?.seq ?? 0, members: room ? [...room.members.values()] : [] };
  }

  async member(roomId: string, peerId: string): Promise<RoomMember | undefined> {
    return this.rooms.get(roomId)?.members.get(peerId);
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

  async close(roomId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    if (room) this.publish(room, { kind: 'closed' });
  }

  subscribe(roomId: string, listener: (message: BusMessage) => void): () => void {
    const room = this.room(roomId);
    room.listeners.add(listener);
    return () => {
      room.listeners.delete(listener);
      this.forgetIfIdle(roomId, room);
    };
  }

  private room(roomId: string): RoomState {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = { seq: 0, members: new Map(), log: [], listeners: new Set() };
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

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
