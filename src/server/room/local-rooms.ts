/**
 * The rooms this node listens to on the bus: its sockets in each, and what it does with each
 * bus message. Events reach the sockets in number order (a gap, from a moment without its
 * subscription, is filled from the log); a signal for a participant whose place this node holds
 * while their socket is down is kept in the bus for whichever node they resume on; news that
 * a place moved or left ends a socket here that no longer holds it.
 */
import { CLOSE_CODES, type RoomEvent } from '../../shared/signaling.js';
import type { ChatHistories } from './chat-history.js';
import type { HeldPlaces } from './held-places.js';
import type { HostNotice } from './host-notices.js';
import type { BusMessage, RoomBus } from './room-bus.js';
import type { RoomConnection } from './room-connection.js';

type Log = { warn(obj: object, msg: string): void };

interface LocalRoom {
  connections: Map<string, RoomConnection>;
  /** Resolves once the bus delivers this room's messages here; to its unsubscribe. */
  subscribed: Promise<() => void>;
  /** The highest event number delivered here: a higher one than the next means a gap. */
  seenSeq: number;
  /** Events that came while the missing ones before them are fetched (a gap), in order. */
  waiting: RoomEvent[] | null;
  /** Guests in the waiting room on this node, by waiting id: nothing of the room reaches them. */
  knocking: Map<string, RoomConnection>;
}

export class LocalRooms {
  private readonly rooms = new Map<string, LocalRoom>();

  constructor(
    private readonly bus: RoomBus,
    private readonly places: HeldPlaces,
    /** Kept while this node listens to a room, from the chat events it delivers. */
    private readonly chatHistories: ChatHistories,
    private readonly log: Log,
    private readonly options: {
      /** How long a signal is kept for a dropped participant (the grace time). */
      keptSignalMs: number;
      /** The meeting was cancelled: each socket of the room here ends for good. */
      closedRoom: (connection: RoomConnection) => void;
      /** A host notice for one socket here (seated, or waiting when `waitingId` is set). */
      notice: (connection: RoomConnection, notice: HostNotice) => void;
      /** A place this node held resumed on another node: what it held for the page goes. */
      movedAway: (roomId: string, peerId: string) => void;
    },
  ) {}

  connection(roomId: string, peerId: string): RoomConnection | undefined {
    return this.rooms.get(roomId)?.connections.get(peerId);
  }

  /** The connection takes `peerId` in this node's view of the room (listened to already). */
  seat(connection: RoomConnection, roomId: string, peerId: string): void {
    connection.peerId = peerId;
    this.rooms.get(roomId)?.connections.set(peerId, connection);
  }

  /** Takes the connection out of the room; false when another one holds its seat now. */
  unseat(connection: RoomConnection, roomId: string, peerId: string): boolean {
    const room = this.rooms.get(roomId);
    if (room?.connections.get(peerId) !== connection) return false;
    room.connections.delete(peerId);
    return true;
  }

  /** A guest's socket waits for a host here (the room is listened to already). */
  park(connection: RoomConnection, roomId: string, waitingId: string): void {
    connection.waitingId = waitingId;
    this.rooms.get(roomId)?.knocking.set(waitingId, connection);
  }

  /** The socket no longer waits; false when it was not waiting here. */
  unpark(connection: RoomConnection, roomId: string): boolean {
    const waitingId = connection.waitingId;
    connection.waitingId = null;
    const knocking = this.rooms.get(roomId)?.knocking;
    if (!waitingId || knocking?.get(waitingId) !== connection) return false;
    knocking.delete(waitingId);
    return true;
  }

  /**
   * Whether every event of the room up to `seq` has been delivered here (in a snapshot's
   * number, so a history kept from the events it counted is complete).
   */
  deliveredUpTo(roomId: string, seq: number): boolean {
    const room = this.rooms.get(roomId);
    return room !== undefined && room.waiting === null && room.seenSeq >= seq;
  }

  /** Rooms with sockets or places on this node, and the sockets seated in them (for /metrics). */
  counts(): { rooms: number; participants: number } {
    let participants = 0;
    for (const room of this.rooms.values()) participants += room.connections.size;
    return { rooms: this.rooms.size, participants };
  }

  /** Every socket seated on this node. */
  *connections(): Iterable<RoomConnection> {
    for (const room of this.rooms.values()) yield* room.connections.values();
  }

  /** Every socket in a waiting room on this node. */
  *waitingConnections(): Iterable<RoomConnection> {
    for (const room of this.rooms.values()) yield* room.knocking.values();
  }

  /** Subscribes this node to a room's bus messages while it holds sockets or places there. */
  async listen(roomId: string): Promise<void> {
    let room = this.rooms.get(roomId);
    if (!room) {
      const connections = new Map<string, RoomConnection>();
      const local: LocalRoom = {
        connections,
        seenSeq: 0,
        waiting: null,
        knocking: new Map(),
        subscribed: Promise.resolve(() => {}),
      };
      local.subscribed = this.bus.subscribe(roomId, (message) =>
        this.deliver(roomId, local, message),
      );
      room = local;
      this.rooms.set(roomId, room);
    }
    try {
      await room.subscribed;
    } catch (error) {
      if (this.rooms.get(roomId) === room) this.rooms.delete(roomId);
      throw error;
    }
  }

  private deliver(roomId: string, room: LocalRoom, message: BusMessage): void {
    const { connections } = room;
    switch (message.kind) {
      case 'closed':
        this.chatHistories.forget(roomId);
        for (const connection of [...connections.values()]) this.options.closedRoom(connection);
        return;
      case 'event': {
        const { event } = message;
        if (room.waiting) return void room.waiting.push(event);
        if (room.seenSeq > 0 && event.seq > room.seenSeq + 1) {
          room.waiting = [event];
          return void this.catchUp(roomId, room);
        }
        return this.deliverEvent(roomId, room, event);
      }
      case 'taken':
        return this.moved(roomId, message);
      case 'reaction': {
        const frame = {
          type: 'reaction',
          peerId: message.peerId,
          reaction: message.reaction,
        } as const;
        const text = JSON.stringify(frame);
        for (const connection of connections.values()) connection.deliver(frame, text);
        return;
      }
      case 'notice':
        return this.noticeFor(room, message.notice);
      case 'signal': {
        const { to, from, payload } = message;
        const target = connections.get(to);
        if (target) return target.deliver({ type: 'signal', from, payload });
        if (!this.places.isHeld(to)) return;
        this.bus
          .keepSignal(roomId, to, { from, payload }, this.options.keptSignalMs)
          .catch((error: unknown) => this.log.warn({ err: error, roomId }, 'signal not kept'));
      }
    }
  }

  private deliverEvent(roomId: string, room: LocalRoom, event: RoomEvent): void {
    if (event.seq <= room.seenSeq) return;
    room.seenSeq = event.seq;
    this.follow(roomId, event);
    if (event.type === 'chat') this.chatHistories.added(roomId, event.message);
    // Serialized once for the whole room, not once per recipient.
    const text = JSON.stringify(event);
    for (const connection of room.connections.values()) connection.deliver(event, text);
    // Waiting guests learn only that a host arrived, never who else is there.
    if (event.type === 'joined' && event.participant.host) {
      for (const connection of room.knocking.values()) {
        connection.send({ type: 'waiting', hostPresent: true });
      }
    }
  }

  /** Hands a host notice to the sockets here it concerns. */
  private noticeFor(room: LocalRoom, notice: HostNotice): void {
    const targets: RoomConnection[] = [];
    switch (notice.type) {
      case 'knock':
      case 'knockEnded':
        for (const connection of room.connections.values()) {
          if (connection.host && connection.isLive) targets.push(connection);
        }
        break;
      case 'admission': {
        const waiting = room.knocking.get(notice.waitingId);
        if (waiting) targets.push(waiting);
        break;
      }
      case 'moderated': {
        const target = room.connections.get(notice.peerId);
        if (target) targets.push(target);
        break;
      }
      case 'ended':
        targets.push(...room.connections.values(), ...room.knocking.values());
    }
    for (const connection of targets) this.options.notice(connection, notice);
  }

  /**
   * Events this node never got (its Redis subscription was down a moment) are read from the
   * log and delivered first. When the log does not reach back, the sockets here are closed as
   * drops: their pages resume at once and get the whole room in `welcome`.
   */
  private async catchUp(roomId: string, room: LocalRoom): Promise<void> {
    const missed = await this.bus.eventsSince(roomId, room.seenSeq).catch(() => null);
    const waiting = room.waiting ?? [];
    room.waiting = null;
    if (!missed) {
      this.log.warn({ roomId, after: room.seenSeq }, 'room events missed; pages resume');
      this.chatHistories.forget(roomId);
      for (const connection of room.connections.values()) {
        connection.socket.close(CLOSE_CODES.RECONNECT, 'events missed');
      }
      room.seenSeq = Math.max(...waiting.map((event) => event.seq));
      return;
    }
    this.log.warn({ roomId, missed: missed.length }, 'room events missed; read from the log');
    for (const event of [...missed, ...waiting]) this.deliverEvent(roomId, room, event);
  }

  /** Keeps what this node knows of its places in step with the room's events. */
  private follow(roomId: string, event: RoomEvent): void {
    const peerId =
      'participant' in event ? event.participant.peerId : 'peerId' in event ? event.peerId : null;
    const place = peerId ? this.places.get(peerId) : undefined;
    if (!peerId || !place || place.roomId !== roomId || event.seq <= place.seq) return;
    if (event.type === 'joined' || event.type === 'updated') {
      place.member = { ...place.member, participant: event.participant };
    } else if (event.type === 'left') {
      // Removed by another node (a twin's fresh join, a beacon): a socket of it here is stale.
      this.places.forget(peerId);
      const connection = this.rooms.get(roomId)?.connections.get(peerId);
      if (connection) connection.end(CLOSE_CODES.RECONNECT);
      this.releaseIfIdle(roomId);
    }
  }

  /** Another connection took a place this node held: its timer and socket here end. */
  private moved(roomId: string, taken: Extract<BusMessage, { kind: 'taken' }>): void {
    const place = this.places.get(taken.peerId);
    if (!place || taken.seq <= place.seq) return;
    const { node, epoch } = place.member.holder;
    if (node === taken.holder.node && epoch === taken.holder.epoch) return;
    this.places.forget(taken.peerId);
    if (taken.holder.node !== this.bus.node) this.options.movedAway(roomId, taken.peerId);
    const connection = this.rooms.get(roomId)?.connections.get(taken.peerId);
    // Adopted: this node was taken for stopped, yet the browser is here; it resumes elsewhere.
    if (connection && taken.adopted) connection.end(CLOSE_CODES.RECONNECT);
    else if (connection) connection.end(CLOSE_CODES.REPLACED, 'REPLACED');
    this.releaseIfIdle(roomId);
  }

  /** Unsubscribes from a room once this node has no socket and holds no place there. */
  releaseIfIdle(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room || room.connections.size > 0 || room.knocking.size > 0) return;
    if (this.places.inRoom(roomId).length > 0) return;
    this.rooms.delete(roomId);
    this.chatHistories.forget(roomId);
    room.subscribed.then((unsubscribe) => unsubscribe()).catch(() => {});
  }
}
