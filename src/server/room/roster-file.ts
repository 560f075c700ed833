/**
 * The rooms' rosters of a lone node (no Redis), kept in `DATA_DIR/rooms/` so that a restart,
 * even a `kill -9`, does not forget who was in which room: one small JSON file per room,
 * rewritten whole (temporary file, then rename, which replaces atomically) after each change
 * of its roster, so a crash leaves either the old roster or the new one. Written before the
 * change is answered: a page that got its `welcome` finds its place again after the restart,
 * and its resume secret (kept as a hash) is checked as before. Not fsync'd: a crashed process
 * leaves its writes to the kernel; a power cut may lose the last ones, and then the pages
 * simply join afresh.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { roomParticipantSchema } from '../../shared/signaling.js';
import type { RoomMember } from './room-bus.js';

/** Room ids are meeting ids (UUIDs); anything else never becomes a file name. */
const ROOM_ID_PATTERN = /^[0-9a-f-]{36}$/;

const savedRoomSchema = z.object({
  seq: z.number().int().nonnegative(),
  members: z.array(
    z.object({
      participant: roomParticipantSchema,
      identity: z.string(),
      resumeTokenHash: z.string(),
      holder: z.object({ node: z.string(), epoch: z.number() }),
    }),
  ),
});

export type SavedRoom = z.infer<typeof savedRoomSchema>;

type Log = { warn(obj: object, msg: string): void };

export class RosterFile {
  constructor(
    private readonly dir: string,
    private readonly log: Log,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** Every room saved by the previous run; an unreadable file is logged and dropped. */
  load(): Map<string, SavedRoom> {
    const rooms = new Map<string, SavedRoom>();
    for (const name of fs.readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      const roomId = name.replace(/\.json$/, '');
      if (!name.endsWith('.json') || !ROOM_ID_PATTERN.test(roomId)) {
        // A temporary file the crash left behind (its rename never happened).
        if (name.endsWith('.tmp')) fs.rmSync(file, { force: true });
        continue;
      }
      try {
        rooms.set(roomId, savedRoomSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))));
      } catch (error) {
        this.log.warn({ err: error, roomId }, 'room roster unreadable; the room starts empty');
        fs.rmSync(file, { force: true });
      }
    }
    return rooms;
  }

  /** Replaces the room's saved roster; an empty roster removes the file. */
  save(roomId: string, seq: number, members: Iterable<RoomMember>): void {
    if (!ROOM_ID_PATTERN.test(roomId)) return;
    const file = path.join(this.dir, `${roomId}.json`);
    const list = [...members];
    try {
      if (list.length === 0) {
        fs.rmSync(file, { force: true });
        return;
      }
      const temporary = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify({ seq, members: list } satisfies SavedRoom));
      fs.renameSync(temporary, file);
    } catch (error) {
      // The room goes on; only a restart before the next successful save would forget it.
      this.log.warn({ err: error, roomId }, 'room roster not saved');
    }
  }
}
