/** The room chat's history in the database: kept for the meeting's life, shown to late joiners. */
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '../../shared/signaling.js';
import type { Db } from '../storage/database.js';

/** What a joining browser receives; a meeting's chat rarely comes near it. */
const HISTORY_LIMIT = 500;

export class ChatStore {
  private idCounter = 0;

  constructor(private readonly db: Db) {}

  /**
   * A message id that sorts after every earlier one of this process (base-36 time, then a
   * counter, then randomness for uniqueness across nodes). History is read back by
   * (sent_at, id), and messages handled within the same millisecond share a sent_at: with
   * random UUIDs a late joiner saw such messages in random order.
   */
  newId(): string {
    this.idCounter += 1;
    const time = Date.now().toString(36).padStart(9, '0');
    const counter = this.idCounter.toString(36).padStart(8, '0');
    // The last 12 hex digits of a v4 UUID are random; randomUUID draws from a cached pool.
    return `${time}${counter}${randomUUID().slice(24)}`;
  }

  async add(meetingId: string, message: ChatMessage): Promise<void> {
    await this.db
      .insertInto('chat_messages')
      .values({
        id: message.id,
        meeting_id: meetingId,
        peer_id: message.peerId,
        display_name: message.displayName,
        text: message.text,
        sent_at: message.sentAt,
      })
      .execute();
  }

  /** The latest messages, oldest first. */
  async history(meetingId: string): Promise<ChatMessage[]> {
    const rows = await this.db
      .selectFrom('chat_messages')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .orderBy('sent_at', 'desc')
      .orderBy('id', 'desc')
      .limit(HISTORY_LIMIT)
      .execute();
    return rows.reverse().map((row) => ({
      id: row.id,
      peerId: row.peer_id,
      displayName: row.display_name,
      text: row.text,
      sentAt: row.sent_at,
    }));
  }
}
