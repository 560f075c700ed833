/**
 * Each room's chat history as this node sends it in `welcome`, kept serialized between joins.
 * Reading 500 messages from the database and serializing them took a few milliseconds of the
 * event loop on every hello and resume, and everyone else's frames waited behind it: a client
 * reconnecting in a loop set the room's delivery p99 (test/integration/fuzz-room-socket.test.ts).
 * Now the database is read once per room while this node listens to it; each chat event the
 * node delivers adds its one message, serialized once.
 *
 * Kept only while it can be trusted: from a read that no chat event overtook, and only used for
 * a snapshot whose events this node has all delivered (with several nodes, an event can reach
 * the log before it reaches this node: then the database is read, as before).
 */
import type { ChatMessage } from '../../shared/signaling.js';
import { HISTORY_LIMIT, type ChatStore } from './chat-store.js';

/** A room's latest messages, oldest first (by sent time, then id, as the database orders them). */
export class ChatHistory {
  private readonly messages: Array<{ sentAt: string; id: string; json: string }>;
  private readonly ids: Set<string>;
  private serialized: string | null = null;

  constructor(
    messages: readonly ChatMessage[],
    private readonly limit: number = HISTORY_LIMIT,
  ) {
    this.messages = messages
      .slice(-limit)
      .map((m) => ({ sentAt: m.sentAt, id: m.id, json: JSON.stringify(m) }));
    this.ids = new Set(this.messages.map((m) => m.id));
  }

  /** A message the room has just seen; one the history holds already is not added twice. */
  add(message: ChatMessage): void {
    if (this.ids.has(message.id)) return;
    const entry = { sentAt: message.sentAt, id: message.id, json: JSON.stringify(message) };
    // Nearly always the newest; one from another node may have been sent a moment earlier.
    let at = this.messages.length;
    while (at > 0 && isAfter(this.messages[at - 1]!, entry)) at -= 1;
    if (at === 0 && this.messages.length >= this.limit) return;
    this.messages.splice(at, 0, entry);
    this.ids.add(entry.id);
    while (this.messages.length > this.limit) this.ids.delete(this.messages.shift()!.id);
    this.serialized = null;
  }

  /** The JSON array of the messages, as `welcome.chat` carries it. */
  json(): string {
    this.serialized ??= `[${this.messages.map((m) => m.json).join(',')}]`;
    return this.serialized;
  }
}

function isAfter(a: { sentAt: string; id: string }, b: { sentAt: string; id: string }): boolean {
  return a.sentAt > b.sentAt || (a.sentAt === b.sentAt && a.id > b.id);
}

interface RoomHistory {
  history: ChatHistory | null;
  /** Counts the chat events delivered here: a read that one overtook is not kept. */
  generation: number;
}

/** The histories of the rooms this node listens to (local-rooms.ts says when to add and drop). */
export class ChatHistories {
  private readonly rooms = new Map<string, RoomHistory>();

  constructor(private readonly store: Pick<ChatStore, 'history'>) {}

  /**
   * `welcome.chat` for a snapshot of the room. `delivered` says whether this node has delivered
   * every event up to the snapshot's number: only then can the kept history hold every message
   * the snapshot counted.
   */
  async json(roomId: string, delivered: boolean): Promise<string> {
    let room = this.rooms.get(roomId);
    if (delivered && room?.history) return room.history.json();
    if (!room) {
      room = { history: null, generation: 0 };
      this.rooms.set(roomId, room);
    }
    const generation = room.generation;
    const history = new ChatHistory(await this.store.history(roomId));
    if (delivered && this.rooms.get(roomId) === room && room.generation === generation) {
      room.history = history;
    }
    return history.json();
  }

  /** A chat event this node delivered, after the message was stored. */
  added(roomId: string, message: ChatMessage): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    room.generation += 1;
    room.history?.add(message);
  }

  /** This node stopped listening to the room, or missed some of its events: read it again. */
  forget(roomId: string): void {
    this.rooms.delete(roomId);
  }
}
