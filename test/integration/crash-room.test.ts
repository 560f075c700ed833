/**
 * `kill -9` of a lone server (SQLite, no Redis) in the middle of a burst of room joins, then a
 * restart on the same data: every guest that got its `welcome` takes the same place back
 * (`resumed: true`, same peer id), the others join afresh, and no room holds a place twice or
 * a ghost of someone who came back (room/roster-file.ts). The browsers' side of it, through
 * Chromium, is test/e2e/room-restart.spec.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loginAdmin,
  loneNodeMissing,
  startLoneNode,
  type LoneNode,
} from '../support/crash-node.js';
import type { SavedRoom } from '../../src/server/room/roster-file.js';
import { MEDIA_ON, RoomClient, roomUrl } from '../support/room-client.js';

const ROOMS = 4;
const GUESTS_EACH = 6;
const KILL_AFTER_WELCOMES = 6;
const HELLO_PACE_MS = 8;
/** Short: one welcomed guest never comes back, and the others see it go after this. */
const GRACE_SECONDS = 8;

interface Guest {
  room: string;
  name: string;
  bearer: string;
  place?: { peerId: string; resumeToken: string; lastSeq: number };
}

describe.skipIf(loneNodeMissing())('room places across kill -9 of a lone server', () => {
  let lone: LoneNode;
  beforeAll(async () => {
    lone = await startLoneNode('sqlite', {
      env: { ROOM_RECONNECT_GRACE_SECONDS: String(GRACE_SECONDS) },
    });
  }, 60_000);
  afterAll(async () => {
    await lone?.stop();
  });

  async function post<T>(path: string, body: object, cookie?: string): Promise<T> {
    const response = await fetch(`${lone.node.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`${path}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  it('every welcomed guest resumes its own place; nobody is there twice', async () => {
    const cookie = await loginAdmin(lone.node.url);
    const guests: Guest[] = [];
    for (let r = 0; r < ROOMS; r += 1) {
      const { joinUrl } = await post<{ joinUrl: string }>('/api/meetings/quick', {}, cookie);
      const room = new URL(joinUrl).pathname.split('/m/')[1]!;
      for (let g = 0; g < GUESTS_EACH; g += 1) {
        const name = `Guest ${r}.${g}`;
        const { token } = await post<{ token: string }>(`/api/join/${room}`, { displayName: name });
        guests.push({ room, name, bearer: token });
      }
    }

    // Everyone says hello in quick succession; the process dies once some have their welcome.
    const clients = await Promise.all(
      guests.map((guest) => RoomClient.connect(roomUrl(lone.node.url, guest.room), guest)),
    );
    let welcomed = 0;
    let killed: Promise<unknown> | undefined;
    const hellos = clients.map(async (client, i) => {
      // Paced over about 200 ms, so the kill lands while joins are still coming in.
      await new Promise((resolve) => setTimeout(resolve, i * HELLO_PACE_MS));
      try {
        const welcome = await client.hello(MEDIA_ON);
        guests[i]!.place = {
          peerId: welcome.peerId,
          resumeToken: welcome.resumeToken,
          lastSeq: welcome.seq,
        };
        welcomed += 1;
        // At once, not at a poll: the other hellos are still being answered.
        if (welcomed === KILL_AFTER_WELCOMES) killed = lone.node.kill('SIGKILL');
      } catch {
        // the process died before this welcome
      }
    });
    await Promise.all(hellos);
    await killed;
    expect(welcomed, 'killed in the middle of the joins').toBeLessThan(guests.length);
    // What the dead process left on disk: a place per welcome, maybe more (written, not told).
    const roomsDir = path.join(lone.dataDir, 'rooms');
    const onDisk = fs
      .readdirSync(roomsDir)
      .map((file) => JSON.parse(fs.readFileSync(path.join(roomsDir, file), 'utf8')) as SavedRoom)
      .reduce((sum, room) => sum + room.members.length, 0);
    expect(onDisk).toBeGreaterThanOrEqual(welcomed);
    const killedAt = Date.now();
    await lone.node.restart();
    const restartedAt = Date.now();

    // Each guest comes back, with its place when it had one, else afresh; except one.
    const absent = guests.find((g) => g.place)!;
    const after = await Promise.all(
      guests
        .filter((guest) => guest !== absent)
        .map(async (guest) => {
          const client = await RoomClient.connect(roomUrl(lone.node.url, guest.room), guest);
          const welcome = await client.hello(MEDIA_ON, guest.place);
          // Pinging like a page, or the server cuts them while the absent one's grace runs.
          client.keepAlive(1000);
          return { guest, client, welcome };
        }),
    );
    const resumedAt = Date.now();
    const welcomedGuests = guests.filter((g) => g.place);
    // The place nobody took back is adopted and timed out: its room sees it leave.
    const neighbour = after.find(({ guest }) => guest.room === absent.room)!;
    const gone = await neighbour.client.next(
      'left',
      (event) => event.peerId === absent.place!.peerId,
      (GRACE_SECONDS + 10) * 1000,
    );
    expect(gone.reason).toBe('timeout');
    const goneS = (Date.now() - restartedAt) / 1000;
    expect(goneS).toBeGreaterThanOrEqual(GRACE_SECONDS);
    for (const { guest, welcome } of after) {
      if (!guest.place) continue;
      expect(welcome.resumed, `${guest.name} resumed`).toBe(true);
      expect(welcome.peerId).toBe(guest.place.peerId);
    }

    // Each room as a newcomer's snapshot shows it: every guest once, nobody reconnecting.
    for (let r = 0; r < ROOMS; r += 1) {
      const inRoom = after.filter(({ guest }) => guest.room === guests[r * GUESTS_EACH]!.room);
      const observer = inRoom[0]!;
      observer.client.terminate();
      const again = await RoomClient.connect(
        roomUrl(lone.node.url, observer.guest.room),
        observer.guest,
      );
      const { participants } = await again.hello(MEDIA_ON, {
        peerId: observer.welcome.peerId,
        resumeToken: observer.welcome.resumeToken,
        lastSeq: observer.welcome.seq,
      });
      expect(participants.map((p) => p.displayName).sort()).toEqual(
        inRoom.map(({ guest }) => guest.name).sort(),
      );
      expect(participants.map((p) => p.peerId).sort()).toEqual(
        inRoom.map(({ welcome }) => welcome.peerId).sort(),
      );
      expect(participants.filter((p) => p.reconnecting)).toEqual([]);
      again.close();
    }
    for (const { client } of after) client.close();
    console.log(
      `crash-room (sqlite, 1 node): ${guests.length} joins in ${ROOMS} rooms, killed after ` +
        `${welcomedGuests.length} welcomes (${onDisk} places on disk); ` +
        `${welcomedGuests.length - 1} places resumed, 0 lost, 0 duplicates, the one not ` +
        `resumed gone ${goneS.toFixed(1)} s after the restart; ` +
        `restart ${((restartedAt - killedAt) / 1000).toFixed(1)} s, all back ` +
        `${((resumedAt - restartedAt) / 1000).toFixed(1)} s after it (grace ${GRACE_SECONDS} s)`,
    );
  }, 90_000);
});
