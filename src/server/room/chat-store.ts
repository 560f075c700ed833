/**
 * The room chat's history in the database: kept for the meeting's life, shown to late joiners.
 * Messages are written in batches: everything added during one turn of the event loop goes in
 * one statement (or transaction), not one synchronous SQLite commit (about 0.1 ms) per message.
 * The busier the server, the more messages a turn holds, so the write cost per message falls
 * just when fan-outs start queueing behind it (bench/signaling.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { ChatMessage } from '../../shared/signaling.js';
import type { Db } from '../storage/database.js';
import type { ChatMessagesTable } from '../storage/schema.js';

/** What a joining browser receives; a meeting's chat rarely comes near it. */
export const HISTORY_LIMIT = 500;

/**
 * Rows per INSERT statement: a batch of up to SMALL_BATCH rows is one statement, a larger one
 * is cut into LARGE_CHUNKS. Few distinct row counts mean few distinct SQL texts for SQLite's
 * prepared-statement cache (storage/database.ts); 256 rows of 6 values stay far below SQLite's
 * 32,766 and PostgreSQL's 65,535 parameters.
 */
const SMALL_BATCH = 16;
const LARGE_CHUNKS = [256, 64, 16];

type Log = { warn(obj: object, msg: string): void };
type Row = Insertable<ChatMessagesTable>;

interface Batch {
  rows: Row[];
  /** What every `add` of the batch returned. */
  written: Promise<void>;
  stored: () => void;
  failed: (error: unknown) => void;
}

export class ChatStore {
  private idCounter = 0;
  /** Added, not yet handed to a write; at most one, filled during the current tick. */
  private open: Batch | undefined;
  /** The last write (and so every earlier one: writes run one after another); never rejects. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    /** Hears about a failed write before its retry (the final failure reaches `add`'s caller). */
    private readonly log?: Log,
  ) {}

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

  /**
   * Queues the message for the write at the end of this tick, together with every other one
   * added meanwhile. Resolves once it is stored; rejects when the write failed twice (it is
   * retried once), with both errors. Only then may others be told about it.
   */
  add(meetingId: string, message: ChatMessage): Promise<void> {
    if (!this.open) {
      this.open = newBatch();
      setImmediate(() => void this.flush());
    }
    this.open.rows.push({
      id: message.id,
      meeting_id: meetingId,
      peer_id: message.peerId,
      display_name: message.displayName,
      text: message.text,
      sent_at: message.sentAt,
    });
    return this.open.written;
  }

  /**
   * Writes what is queued now, without waiting for the end of the tick. Resolves when every
   * message added before the call is stored or given up on (`add` reports which); never rejects.
   */
  flush(): Promise<void> {
    const batch = this.open;
    if (batch) {
      this.open = undefined;
      this.writing = this.writing.then(() => this.write(batch));
    }
    return this.writing;
  }

  /** The latest messages, oldest first, including any still waiting to be written. */
  async history(meetingId: string): Promise<ChatMessage[]> {
    await this.flush();
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

  private async write(batch: Batch): Promise<void> {
    try {
      await this.insert(batch.rows);
      return batch.stored();
    } catch (first) {
      this.log?.warn(
        { err: first, messages: batch.rows.length },
        'storing chat messages failed, retrying once',
      );
      try {
        await this.insert(batch.rows);
        return batch.stored();
      } catch (second) {
        batch.failed(new AggregateError([first, second], 'storing chat messages failed twice'));
      }
    }
  }

  /** Whole or not at all (one statement or one transaction), so a retry adds no duplicates. */
  private async insert(rows: Row[]): Promise<void> {
    const chunks = chunked(rows);
    const [only] = chunks;
    if (only && chunks.length === 1) {
      await this.db.insertInto('chat_messages').values(only).execute();
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      for (const chunk of chunks) await trx.insertInto('chat_messages').values(chunk).execute();
    });
  }
}

function chunked<T>(rows: T[]): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  while (start < rows.length) {
    const left = rows.length - start;
    const size = left <= SMALL_BATCH ? left : (LARGE_CHUNKS.find((n) => n <= left) ?? left);
    chunks.push(rows.slice(start, start + size));
    start += size;
  }
  return chunks;
}

function newBatch(): Batch {
  let stored: Batch['stored'] = () => {};
  let failed: Batch['failed'] = () => {};
  const written = new Promise<void>((resolve, reject) => {
    stored = resolve;
    failed = reject;
  });
  // Callers hear of a failure through `add`; a batch nobody awaits must not crash the process.
  written.catch(() => {});
  return { rows: [], written, stored, failed };
}
