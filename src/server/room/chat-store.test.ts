import type { KyselyPlugin, PluginTransformQueryArgs } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/signaling.js';
import { migrateToLatest, openDatabase, type Db } from '../storage/database.js';
import { ChatStore } from './chat-store.js';

const MEETING = 'meeting-1';
const SENT_AT = '2030-03-01T10:00:00.000Z';

/** Counts INSERT statements, and makes the first `failures` of them throw. */
class Inserts implements KyselyPlugin {
  count = 0;
  constructor(private failures = 0) {}
  transformQuery({ node }: PluginTransformQueryArgs) {
    if (node.kind === 'InsertQueryNode') {
      this.count += 1;
      if (this.failures > 0) {
        this.failures -= 1;
        throw new Error('disk I/O error');
      }
    }
    return node;
  }
  transformResult: KyselyPlugin['transformResult'] = async ({ result }) => result;
}

class WarnLog {
  readonly lines: { obj: object; msg: string }[] = [];
  warn(obj: object, msg: string): void {
    this.lines.push({ obj, msg });
  }
}

const databases: Db[] = [];

/** A migrated in-memory SQLite database holding one meeting for the messages to belong to. */
async function database(): Promise<Db> {
  const db = openDatabase({ kind: 'sqlite', file: ':memory:' });
  databases.push(db);
  await migrateToLatest(db);
  await db
    .insertInto('users')
    .values({
      id: 'user-1',
      email: 'olga@example.org',
      username: 'olga',
      display_name: 'Olga',
      role: 'member',
      password_hash: 'x',
      avatar_id: null,
      language: 'en',
      disabled: 0,
      created_at: SENT_AT,
      calendar_feed_token: null,
      notify_on_answers: 0,
    })
    .execute();
  await db
    .insertInto('meetings')
    .values({
      id: MEETING,
      organizer_id: 'user-1',
      kind: 'quick',
      name: 'Standup',
      status: 'scheduled',
      starts_at: SENT_AT,
      ends_at: SENT_AT,
      duration_minutes: 30,
      time_zone: 'UTC',
      join_token: 'join-1',
      created_at: SENT_AT,
      updated_at: SENT_AT,
    })
    .execute();
  return db;
}

function message(store: ChatStore, text: string): ChatMessage {
  return { id: store.newId(), peerId: 'peer-1', displayName: 'Ana', text, sentAt: SENT_AT };
}

describe('ChatStore', () => {
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((db) => db.destroy()));
  });

  it('stores 300 messages added in one tick in a few INSERTs, in sending order', async () => {
    const inserts = new Inserts();
    const store = new ChatStore((await database()).withPlugin(inserts));
    const texts = Array.from({ length: 300 }, (_, i) => `message ${i}`);

    await Promise.all(texts.map((text) => store.add(MEETING, message(store, text))));

    // 256 + 16 + 16 + 12 rows, in one transaction.
    expect(inserts.count).toBe(4);
    expect((await store.history(MEETING)).map((m) => m.text)).toEqual(texts);
  });

  it('includes in history a message added in the same tick, before its write ran', async () => {
    const inserts = new Inserts();
    const store = new ChatStore((await database()).withPlugin(inserts));
    const sent = message(store, 'just now');

    const stored = store.add(MEETING, sent);
    const history = await store.history(MEETING);

    expect(history).toEqual([sent]);
    await stored;
    expect(inserts.count).toBe(1);
  });

  it('writes what is queued on flush, as the hub does when it shuts down', async () => {
    const db = await database();
    const store = new ChatStore(db);

    void store.add(MEETING, message(store, 'last words'));
    await store.flush();

    const rows = await db.selectFrom('chat_messages').select('text').execute();
    expect(rows).toEqual([{ text: 'last words' }]);
  });

  it('logs a failed write and retries it once, storing the batch', async () => {
    const inserts = new Inserts(1);
    const log = new WarnLog();
    const store = new ChatStore((await database()).withPlugin(inserts), log);

    await Promise.all(['one', 'two'].map((text) => store.add(MEETING, message(store, text))));

    expect(inserts.count).toBe(2);
    expect(log.lines).toEqual([
      {
        obj: { err: new Error('disk I/O error'), messages: 2 },
        msg: 'storing chat messages failed, retrying once',
      },
    ]);
    expect((await store.history(MEETING)).map((m) => m.text)).toEqual(['one', 'two']);
  });

  it('rejects every add of a batch that failed twice, with both errors, and stores none of it', async () => {
    const inserts = new Inserts(2);
    const store = new ChatStore((await database()).withPlugin(inserts), new WarnLog());

    const results = await Promise.allSettled(
      ['one', 'two'].map((text) => store.add(MEETING, message(store, text))),
    );

    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as AggregateError;
      expect(reason).toBeInstanceOf(AggregateError);
      expect(reason.errors).toHaveLength(2);
    }
    expect(await store.history(MEETING)).toEqual([]);
    // The next batch is written as usual.
    await store.add(MEETING, message(store, 'three'));
    expect((await store.history(MEETING)).map((m) => m.text)).toEqual(['three']);
  });
});
