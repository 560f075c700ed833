import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../shared/signaling.js';
import { ChatHistories, ChatHistory } from './chat-history.js';

function message(id: string, sentAt = '2026-01-01T10:00:00.000Z'): ChatMessage {
  return { id, peerId: 'p', displayName: 'Ana', text: `text ${id}`, sentAt };
}

const ids = (json: string) => (JSON.parse(json) as ChatMessage[]).map((m) => m.id);

describe('ChatHistory', () => {
  it('serializes what the database read gave, plus each message added, once each', () => {
    const history = new ChatHistory([message('a'), message('b')]);
    history.add(message('c'));
    history.add(message('b'));
    expect(JSON.parse(history.json())).toEqual([message('a'), message('b'), message('c')]);
  });

  it('keeps the database order (sent time, then id) for a message that arrives late', () => {
    const history = new ChatHistory([
      message('a', '2026-01-01T10:00:00.000Z'),
      message('c', '2026-01-01T10:00:02.000Z'),
    ]);
    history.add(message('b', '2026-01-01T10:00:01.000Z'));
    history.add(message('0', '2026-01-01T10:00:02.000Z'));
    expect(ids(history.json())).toEqual(['a', 'b', '0', 'c']);
  });

  it('keeps only the latest `limit` messages', () => {
    const history = new ChatHistory([message('a'), message('b'), message('c')], 2);
    expect(ids(history.json())).toEqual(['b', 'c']);
    history.add(message('d'));
    expect(ids(history.json())).toEqual(['c', 'd']);
    // Older than everything kept: it would be cut at once.
    history.add(message('0'));
    expect(ids(history.json())).toEqual(['c', 'd']);
  });
});

describe('ChatHistories', () => {
  function store(rows: ChatMessage[]) {
    let reads = 0;
    let release: (() => void) | null = null;
    return {
      get reads() {
        return reads;
      },
      /** The next read waits until `open()` is called. */
      hold() {
        return new Promise<void>((resolve) => (release = resolve));
      },
      open() {
        release?.();
      },
      gate: null as Promise<void> | null,
      async history() {
        reads += 1;
        if (this.gate) await this.gate;
        return [...rows];
      },
    };
  }

  it('reads the database once per room, then follows the chat events', async () => {
    const rows = [message('a')];
    const db = store(rows);
    const histories = new ChatHistories(db);
    expect(ids(await histories.json('r', true))).toEqual(['a']);
    rows.push(message('b'));
    histories.added('r', message('b'));
    expect(ids(await histories.json('r', true))).toEqual(['a', 'b']);
    expect(db.reads).toBe(1);
  });

  it('reads the database when this node has not delivered every event of the snapshot', async () => {
    const db = store([message('a')]);
    const histories = new ChatHistories(db);
    await histories.json('r', true);
    await histories.json('r', false);
    expect(db.reads).toBe(2);
  });

  it('does not keep a read that a chat event overtook, nor one of a forgotten room', async () => {
    const rows = [message('a')];
    const db = store(rows);
    const histories = new ChatHistories(db);
    db.gate = db.hold();
    const overtaken = histories.json('r', true);
    rows.push(message('b'));
    histories.added('r', message('b'));
    db.open();
    expect(ids(await overtaken)).toEqual(['a', 'b']);
    db.gate = null;
    await histories.json('r', true);
    expect(db.reads).toBe(2);
    histories.forget('r');
    await histories.json('r', true);
    expect(db.reads).toBe(3);
  });
});
