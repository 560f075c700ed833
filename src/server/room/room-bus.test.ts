import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { roomBusContract, testMember } from '../../../test/support/room-bus-contract.js';
import { InProcessRoomBus, LOG_LENGTH } from './room-bus.js';
import { RosterFile } from './roster-file.js';

roomBusContract('InProcessRoomBus', () => {
  let rooms = 0;
  return {
    open: async (log) => new InProcessRoomBus(log),
    room: () => `room-${(rooms += 1)}`,
  };
});

describe('InProcessRoomBus with a roster file (a restart of a lone node)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function roster() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tertulia-roster-'));
    dirs.push(dir);
    const log = { error: vi.fn(), warn: vi.fn() };
    return { dir, log, open: () => new InProcessRoomBus(log, new RosterFile(dir, log)) };
  }

  it('gives the next run the places, reconnecting and held by nobody until adopted', async () => {
    const { open } = roster();
    const roomId = randomUUID();
    const first = open();
    await first.join(roomId, testMember('a'), 6);
    await first.join(roomId, testMember('b'), 6);
    await first.leave(roomId, 'b', 'left');
    const lastSeq = (await first.snapshot(roomId)).seq;

    // A new process on the same folder, as after a kill -9: the first one never closed.
    const second = open();
    const { seq, members } = await second.snapshot(roomId);
    expect(members.map((m) => m.participant.peerId)).toEqual(['a']);
    expect(members[0]).toMatchObject({ identity: 'guest:a', resumeTokenHash: 'x' });
    expect(members[0]?.participant.reconnecting).toBe(true);
    // Numbering goes on past anything the old run may have told (never back).
    expect(seq).toBe(lastSeq + LOG_LENGTH);
    expect(await second.eventsSince(roomId, lastSeq)).toBeNull();

    const holder = { node: second.node, epoch: 7 };
    expect(await second.adoptOrphans(() => holder)).toEqual([
      { roomId, member: expect.objectContaining({ holder }) },
    ]);
    expect(await second.adoptOrphans(() => holder)).toEqual([]);
  });

  it('lets a page resume before adoption; adoption then leaves its place alone', async () => {
    const { open } = roster();
    const roomId = randomUUID();
    await open().join(roomId, testMember('a'), 6);
    const second = open();
    const holder = { node: second.node, epoch: 1 };
    await second.takeOver(roomId, 'a', holder);
    expect((await second.member(roomId, 'a'))?.participant.reconnecting).toBe(false);
    expect(await second.adoptOrphans(() => ({ node: second.node, epoch: 2 }))).toEqual([]);
  });

  it('removes the file of a room left empty, and drops an unreadable one', async () => {
    const { dir, log, open } = roster();
    const roomId = randomUUID();
    const bus = open();
    await bus.join(roomId, testMember('a'), 6);
    expect(fs.readdirSync(dir)).toEqual([`${roomId}.json`]);
    await bus.leave(roomId, 'a', 'left');
    expect(fs.readdirSync(dir)).toEqual([]);

    const broken = randomUUID();
    fs.writeFileSync(path.join(dir, `${broken}.json`), '{"seq": 3, "members": [');
    fs.writeFileSync(path.join(dir, `${broken}.json.123.tmp`), 'half');
    expect((await open().snapshot(broken)).members).toEqual([]);
    expect(log.warn).toHaveBeenCalledWith(
      expect.objectContaining({ roomId: broken }),
      expect.any(String),
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
