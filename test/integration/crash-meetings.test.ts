/**
 * `kill -9` of a real server in the middle of a burst of meeting creations, then a restart on
 * the same data, a few times over: every meeting answered 201 before the kill is there, with
 * all its participants and all its outbox rows; no meeting, answered or not, is half-written.
 * Checked through the API and straight in the database, on SQLite and (TEST_DATABASE_URL)
 * PostgreSQL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/cluster.js';
import {
  loginAdmin,
  loneNodeMissing,
  startLoneNode,
  type LoneNode,
} from '../support/crash-node.js';
import { databaseKinds } from '../support/harness.js';

const INVITEES = 4;
const SENDERS = 6;
/** Each round kills the process after this many 201s: different points in the burst. */
const KILL_AFTER = [5, 17, 31];

function meetingBody(round: number, n: number) {
  return {
    name: `Crash ${round}.${n}`,
    participants: Array.from({ length: INVITEES }, (_, i) => `r${round}m${n}g${i}@example.com`),
    startsAt: '2030-03-05T10:00:00+01:00',
    timeZone: 'Europe/Madrid',
    // One reminder per invitee, written with the meeting: part of what must be whole.
    emailReminderMinutes: 60,
    smsReminderMinutes: null,
  };
}

/** Each invitee's invitation and reminder. */
const OUTBOX_ROWS = INVITEES * 2;

describe.skipIf(loneNodeMissing())('meeting creations across kill -9', () => {
  const running: LoneNode[] = [];
  afterAll(async () => {
    await Promise.all(running.map((lone) => lone.stop()));
  });

  it.each(databaseKinds)(
    '%s: every 201 survives, nothing is half-written',
    async (kind) => {
      const lone = await startLoneNode(kind);
      running.push(lone);
      const answered = new Set<string>();
      let inFlightAtKills = 0;
      for (const [round, killAfter] of KILL_AFTER.entries()) {
        const cookie = await loginAdmin(lone.node.url);
        let created = 0;
        let stop = false;
        let inFlight = 0;
        const sender = async (s: number) => {
          for (let n = s; !stop; n += SENDERS) {
            inFlight += 1;
            try {
              const response = await fetch(`${lone.node.url}/api/meetings`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', cookie },
                body: JSON.stringify(meetingBody(round, n)),
              });
              if (response.status !== 201) throw new Error(await response.text());
              answered.add(((await response.json()) as { id: string }).id);
              created += 1;
            } catch {
              return; // the process is gone: this request may or may not have been written
            } finally {
              inFlight -= 1;
            }
          }
        };
        const senders = Array.from({ length: SENDERS }, (_, s) => sender(s));
        await waitFor(`${killAfter} creations`, async () => created >= killAfter, 30_000);
        inFlightAtKills += inFlight;
        await lone.node.kill('SIGKILL');
        stop = true;
        await Promise.all(senders);
        await lone.node.restart();
      }

      // Through the API: each answered meeting, with every invitee and every delivery.
      const cookie = await loginAdmin(lone.node.url);
      for (const id of answered) {
        const response = await fetch(`${lone.node.url}/api/meetings/${id}`, {
          headers: { cookie },
        });
        expect(response.status, `meeting ${id}`).toBe(200);
        const meeting = (await response.json()) as {
          participants: unknown[];
          deliveries?: unknown[];
        };
        expect(meeting.participants, `meeting ${id} participants`).toHaveLength(INVITEES);
      }
      // In the database: every meeting, answered or cut off, whole or absent.
      const rows = await lone.query<{ id: string; participants: number; outbox: number }>(
        `SELECT m.id,
             (SELECT count(*) FROM meeting_participants p WHERE p.meeting_id = m.id) AS participants,
             (SELECT count(*) FROM outbox o WHERE o.meeting_id = m.id) AS outbox
           FROM meetings m`,
      );
      const stored = new Map(rows.map((r) => [r.id, r]));
      const lost = [...answered].filter((id) => !stored.has(id));
      const halfWritten = rows.filter(
        (r) => Number(r.participants) !== INVITEES || Number(r.outbox) !== OUTBOX_ROWS,
      );
      const unanswered = rows.length - answered.size;
      console.log(
        `crash-meetings (${kind}): ${KILL_AFTER.length} kills, ${answered.size} answered 201, ` +
          `${lost.length} lost, ${halfWritten.length} half-written, ${unanswered} written but ` +
          `unanswered (of ${inFlightAtKills} in flight at the kills)`,
      );
      expect(lost).toEqual([]);
      expect(halfWritten).toEqual([]);
      expect(unanswered).toBeLessThanOrEqual(inFlightAtKills);
    },
    120_000,
  );
});
