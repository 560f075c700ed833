/**
 * The reminders phase of bench/invitations.ts: many reminders due at the same instant, sent by
 * the app's worker (system clock) to the local SMTP and SMPP servers.
 *
 * Meetings of 50 invitees (half email, half mobile) are created with no reminders, starting at
 * a whole minute about two hours ahead; their invitations are let out first. Then each meeting
 * is changed (PATCH) to remind by email and by SMS exactly `start - D` minutes ahead, D being a
 * whole minute at least 45 s away: a change of reminders alone sends no invitation, so the
 * reminder rows (one per invitee) are all due at D. From the outbox: per row, `sent_at -
 * not_before` gives due-to-sent p50/p99/max; reminders per second are counted from D to the
 * last one sent. Goal (issue 22): every reminder sent within 60 s of its due time.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import SqliteDatabase from 'better-sqlite3';
import type { SmppTestServer } from '../../test/support/smpp-server.js';
import type { TestSmtpServer } from '../../test/support/smtp-server.js';
import type { AppReadyMessage } from './invitations-app.js';

const PER_MEETING = 50;
const POLL_MS = 100;
/** Time left between the last change and the due instant, at least. */
const MARGIN_MS = 45_000;
export const REMINDER_GOAL_MS = 60_000;

export interface ReminderFigures {
  reminders: number;
  planned: number;
  sent: number;
  skipped: number;
  failed: number;
  timedOut: boolean;
  /** When they were all due (ISO). */
  dueAt: string;
  /** Due to sent, ms. */
  p50: number;
  p99: number;
  max: number;
  emailP50: number;
  emailP99: number;
  smsP50: number;
  smsP99: number;
  /** Reminders sent per second, from the due instant to the last one sent. */
  rate: number;
  emailsReceived: number;
  smsReceived: number;
  /** Seconds the invitations of these meetings took to go out, before the reminders. */
  invitationSeconds: number;
}

interface Row {
  channel: 'email' | 'sms';
  kind: string;
  status: string;
  not_before: string | null;
  sent_at: string | null;
}

export async function reminderPhase(
  ready: AppReadyMessage,
  smtp: TestSmtpServer,
  smsc: SmppTestServer,
  reminders: number,
  timeoutMs: number,
): Promise<ReminderFigures> {
  const db = new SqliteDatabase(ready.databaseFile, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const rowsOf = db.prepare<[string], Row>(
    `SELECT channel, kind, status, not_before, sent_at FROM outbox
     WHERE meeting_id IN (SELECT value FROM json_each(?))`,
  );
  try {
    const meetings = Math.ceil(reminders / PER_MEETING);
    const startMs = Math.ceil((Date.now() + 2 * 3_600_000) / 60_000) * 60_000;
    process.stderr.write(`reminders: ${meetings} meetings, ${reminders} invitees...`);
    const ids: string[] = [];
    for (let i = 0; i < meetings; i += 1) {
      const size = Math.min(PER_MEETING, reminders - i * PER_MEETING);
      ids.push(await createMeeting(ready, i, size, new Date(startMs).toISOString()));
    }
    const invitationsStarted = performance.now();
    const rows = () => rowsOf.all(JSON.stringify(ids));
    const invitationsOut = await until(
      () => rows().filter((r) => r.kind !== 'reminder' && r.status === 'queued').length === 0,
      timeoutMs,
    );
    if (!invitationsOut) throw new Error('the invitations did not all go out in time');
    const invitationSeconds = (performance.now() - invitationsStarted) / 1000;

    const dueMs = Math.ceil((Date.now() + MARGIN_MS) / 60_000) * 60_000;
    const lead = (startMs - dueMs) / 60_000;
    for (const id of ids) await setReminders(ready, id, lead);
    if (Date.now() >= dueMs) throw new Error('planning reminders took past their due time');
    const planned = rows().filter((r) => r.kind === 'reminder').length;
    process.stderr.write(` due ${new Date(dueMs).toISOString()}...`);
    const mailsBefore = smtp.messages.length;
    const submitsBefore = smsc.submits.length;

    const allOut = await until(
      () =>
        rows().filter((r) => r.kind === 'reminder' && r.status === 'queued').length === 0 &&
        Date.now() > dueMs,
      dueMs - Date.now() + timeoutMs,
    );
    process.stderr.write(allOut ? ' done\n' : ' timed out\n');
    // The last message reaches the server just before its row is marked sent.
    await sleep(500);

    const done = rows().filter((r) => r.kind === 'reminder');
    const sentRows = done.filter((r) => r.status === 'sent' && r.sent_at && r.not_before);
    const lateness = (r: Row) =>
      Date.parse(r.sent_at as string) - Date.parse(r.not_before as string);
    const of = (channel: string) => sentRows.filter((r) => r.channel === channel).map(lateness);
    const all = sentRows.map(lateness);
    const lastSent = Math.max(dueMs, ...sentRows.map((r) => Date.parse(r.sent_at as string)));
    return {
      reminders,
      planned,
      sent: sentRows.length,
      skipped: done.filter((r) => r.status === 'skipped').length,
      failed: done.filter((r) => r.status === 'failed').length,
      timedOut: !allOut,
      dueAt: new Date(dueMs).toISOString(),
      p50: percentile(all, 0.5),
      p99: percentile(all, 0.99),
      max: percentile(all, 1),
      emailP50: percentile(of('email'), 0.5),
      emailP99: percentile(of('email'), 0.99),
      smsP50: percentile(of('sms'), 0.5),
      smsP99: percentile(of('sms'), 0.99),
      rate: lastSent > dueMs ? sentRows.length / ((lastSent - dueMs) / 1000) : Number.NaN,
      emailsReceived: smtp.messages
        .slice(mailsBefore)
        .filter((m) => m.parsed.subject?.startsWith('Reminder:')).length,
      smsReceived: smsc.submits
        .slice(submitsBefore)
        .filter((s) => s.status === 0 && s.text.includes('Reminder:')).length,
      invitationSeconds,
    };
  } finally {
    db.close();
  }
}

async function createMeeting(
  ready: AppReadyMessage,
  index: number,
  size: number,
  startsAt: string,
): Promise<string> {
  const emails = Math.ceil(size / 2);
  const participants = Array.from({ length: size }, (_, i) =>
    i < emails
      ? `reminded${i}.m${index}@bench.example`
      : // Spanish mobiles +34 69x xxx xxx, apart from the other phases' +34 600 …
        `+34 69${String(index).padStart(3, '0')}${String(i).padStart(4, '0')}`,
  );
  const response = await fetch(`${ready.appUrl}/api/meetings`, {
    method: 'POST',
    headers: { cookie: ready.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: `Reminded ${index}`,
      participants,
      startsAt,
      durationMinutes: 30,
      timeZone: 'Europe/Madrid',
      emailReminderMinutes: null,
      smsReminderMinutes: null,
    }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) {
    throw new Error(`POST /api/meetings: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.id;
}

async function setReminders(ready: AppReadyMessage, id: string, minutes: number): Promise<void> {
  const response = await fetch(`${ready.appUrl}/api/meetings/${id}`, {
    method: 'PATCH',
    headers: { cookie: ready.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ emailReminderMinutes: minutes, smsReminderMinutes: minutes }),
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status !== 200) {
    throw new Error(`PATCH /api/meetings/${id}: ${response.status} ${await response.text()}`);
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/** Nearest-rank percentile of unsorted values; NaN when there are none. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}
