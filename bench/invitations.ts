/**
 * Invitation delivery benchmark: how fast the outbox worker delivers invitations to local SMTP
 * and SMPP servers, and whether creating a meeting stays as fast when the mail relay is slow.
 *
 *   npx tsx bench/invitations.ts [--invitations 1000] [--reminders 10000] [--requests 30]
 *                                [--timeout 120]
 *                                [--server-prof DIR] [--timeline]
 *                                [--smtp-connections N] [--concurrency N]
 *
 * 1. Throughput: meetings of 50 participants (half email, half Spanish mobile) are created
 *    through the HTTP API until --invitations participants are invited; the worker delivers
 *    them. Invitations per second are counted from the first commit (the earliest outbox
 *    `created_at`) to the last row `sent` (the latest `sent_at`); per row, `sent_at -
 *    created_at` gives the commit-to-delivered p50/p99. The outbox is polled every 50 ms until
 *    every row is sent or --timeout seconds pass.
 * 3. Reminders (--reminders, 0 to leave out): that many reminders due at the same instant, half
 *    email and half SMS, as bench/support/reminders-phase.ts describes: due-to-sent p50/p99/max
 *    and reminders per second. Goal: all sent within 60 s of their due time.
 * 2. Creation latency: --requests sequential `POST /api/meetings` with 50 participants (25
 *    email, 25 phone), once with the SMTP server answering at once and once answering each
 *    message after 500 ms, the worker running both times; then, once the slow phase's backlog
 *    is out, at once again as a control of how much the figure drifts within one run.
 *
 * The app (real buildApp, SQLite in a temp folder, system clock, LOG_LEVEL silent, real
 * SmtpTransport and SmppTransport, worker started) runs in a child process
 * (bench/support/invitations-app.ts); the test SMTP/SMPP servers, the HTTP client and the
 * outbox poller run in this one, so the servers' message parsing does not steal the app's
 * event loop. Everything listens on loopback ephemeral ports and stops by itself. --server-prof
 * writes a V8 CPU profile of the app process; --timeline prints, for each phase, how many rows
 * were committed and sent in each 250 ms step, by channel, to see where delivery stalls.
 * --smtp-connections and --concurrency change the SMTP pool size (app default 8) and the
 * worker's concurrency (default 16, claim batch 4x) to find what limits throughput; without
 * them the app runs as shipped, and the report says when they were used.
 *
 * A benchmark, not a test: it prints numbers and never gates CI. It exits non-zero only when
 * something failed outright (requests refused, invitations missing), as the numbers then mean
 * nothing. Goals (from the issue): >= 200 invitations delivered per second; meeting creation
 * p50 with a slow relay within 20% of the fast-relay figure.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { SmppTestServer, type SubmittedSm } from '../test/support/smpp-server.js';
import { TestSmtpServer } from '../test/support/smtp-server.js';
import type {
  AppCpuMessage,
  AppParentMessage,
  AppReadyMessage,
} from './support/invitations-app.js';
import {
  REMINDER_GOAL_MS,
  reminderPhase,
  type ReminderFigures,
} from './support/reminders-phase.js';
import { table } from './support/table.js';

const { values: args } = parseArgs({
  options: {
    invitations: { type: 'string', default: '1000' },
    reminders: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '30' },
    timeout: { type: 'string', default: '120' },
    'server-prof': { type: 'string' },
    timeline: { type: 'boolean', default: false },
    'smtp-connections': { type: 'string' },
    concurrency: { type: 'string' },
  },
});

function positiveInt(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be an integer >= ${min}, got ${raw}`);
  }
  return value;
}

const INVITATIONS = positiveInt('invitations', args.invitations, 2);
const REMINDERS = positiveInt('reminders', args.reminders, 0);
const REQUESTS = positiveInt('requests', args.requests, 1);
const TIMEOUT_MS = positiveInt('timeout', args.timeout, 1) * 1000;
const PER_MEETING = 50;
const POLL_MS = 50;
const SLOW_REPLY_MS = 500;
const GOAL_RATE = 200;
const GOAL_RATIO = 1.2;
const SMTP_CONNECTIONS =
  args['smtp-connections'] === undefined
    ? undefined
    : positiveInt('smtp-connections', args['smtp-connections'], 1);
const CONCURRENCY =
  args.concurrency === undefined ? undefined : positiveInt('concurrency', args.concurrency, 1);

/** CPU time and event-loop utilization of a process at one moment. */
interface Sample {
  usage: NodeJS.CpuUsage;
  elu: EventLoopUtilization;
}

function localSample(): Sample {
  return { usage: process.cpuUsage(), elu: performance.eventLoopUtilization() };
}

/** Share of the time between two samples the event loop was busy (1 = never waited for I/O). */
function busy(before: Sample, after: Sample): number {
  return performance.eventLoopUtilization(after.elu, before.elu).utilization;
}

// ---- the app child ----------------------------------------------------------------------------

class AppProcess {
  private nextId = 0;
  private readonly pending = new Map<number, (sample: Sample) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: AppReadyMessage,
  ) {
    child.on('message', (message: AppCpuMessage | AppReadyMessage) => {
      if (message.type !== 'cpu') return;
      this.pending.get(message.id)?.({ usage: message.usage, elu: message.elu });
      this.pending.delete(message.id);
    });
  }

  static async start(
    env: Record<string, string>,
    profileDir: string | undefined,
  ): Promise<AppProcess> {
    const script = path.join(
      path.dirname(fileURLToPath(import.meta.url)),
      'support/invitations-app.ts',
    );
    const execArgv = [...process.execArgv];
    if (profileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`);
    const child = fork(script, [], {
      execArgv,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<AppReadyMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('app process not ready in 60 s')), 60_000);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`app process exited early (${code})`)));
      child.on('message', (message: AppReadyMessage | AppCpuMessage) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve(message);
      });
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    child.removeAllListeners('exit');
    return new AppProcess(child, ready);
  }

  /** The app's CPU time and event loop use so far. */
  sample(): Promise<Sample> {
    const id = (this.nextId += 1);
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ type: 'cpu', id } satisfies AppParentMessage);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies AppParentMessage);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---- the outbox, read from the app's SQLite file ----------------------------------------------

interface OutboxTiming {
  channel: 'email' | 'sms';
  status: string;
  attempts: number;
  created_at: string;
  sent_at: string | null;
}

/** Read-only view of the outbox; WAL lets it read beside the app's writer without blocking it. */
class OutboxReader {
  private readonly db: SqliteDatabase.Database;
  private readonly counts: SqliteDatabase.Statement<[string]>;
  private readonly rows: SqliteDatabase.Statement<[string]>;

  constructor(file: string) {
    this.db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
    // Invitations only: these meetings' reminders are not due for days (phase 3 has its own).
    const ofMeetings = "meeting_id IN (SELECT value FROM json_each(?)) AND kind != 'reminder'";
    this.counts = this.db.prepare(
      `SELECT status, count(*) AS n FROM outbox WHERE ${ofMeetings} GROUP BY status`,
    );
    this.rows = this.db.prepare(
      `SELECT channel, status, attempts, created_at, sent_at FROM outbox WHERE ${ofMeetings}`,
    );
  }

  statusCounts(meetingIds: string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const row of this.counts.all(JSON.stringify(meetingIds)) as Array<{
      status: string;
      n: number;
    }>) {
      out[row.status] = row.n;
    }
    return out;
  }

  timings(meetingIds: string[]): OutboxTiming[] {
    return this.rows.all(JSON.stringify(meetingIds)) as OutboxTiming[];
  }

  close(): void {
    this.db.close();
  }
}

/** Polls every 50 ms until the meetings' rows are all out of `queued`, or the time is up. */
async function waitForDelivery(
  outbox: OutboxReader,
  meetingIds: string[],
  expected: number,
  timeoutMs: number,
): Promise<{ counts: Record<string, number>; timedOut: boolean }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const counts = outbox.statusCounts(meetingIds);
    const done = (counts.sent ?? 0) + (counts.failed ?? 0);
    if (done >= expected) return { counts, timedOut: false };
    if (performance.now() >= deadline) return { counts, timedOut: true };
    await sleep(POLL_MS);
  }
}

// ---- the HTTP client --------------------------------------------------------------------------

let phoneCounter = 0;
let meetingCounter = 0;

/** `size` participants: the first half (rounded up) email addresses, the rest mobiles. */
function participants(size: number): string[] {
  const emails = Math.ceil(size / 2);
  const list: string[] = [];
  meetingCounter += 1;
  for (let i = 0; i < emails; i += 1) list.push(`guest${i}.m${meetingCounter}@bench.example`);
  for (let i = emails; i < size; i += 1) {
    // Distinct Spanish mobiles, +34 6xx xxx xxx.
    const digits = `6${String(phoneCounter++).padStart(8, '0')}`;
    list.push(`+34 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`);
  }
  return list;
}

interface Created {
  meetingId: string;
  ms: number;
}

async function createMeeting(ready: AppReadyMessage, size: number): Promise<Created> {
  const body = JSON.stringify({
    name: `Bench meeting ${meetingCounter + 1}`,
    participants: participants(size),
    startsAt: new Date(Date.now() + 7 * 24 * 3_600_000).toISOString(),
    durationMinutes: 45,
    timeZone: 'Europe/Madrid',
  });
  const started = performance.now();
  const response = await fetch(`${ready.appUrl}/api/meetings`, {
    method: 'POST',
    headers: { cookie: ready.cookie, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  const meeting = JSON.parse(text) as { id?: string; participants?: unknown[] };
  if (response.status !== 201 || !meeting.id || meeting.participants?.length !== size) {
    throw new Error(`POST /api/meetings: expected 201 with ${size} participants, got
      ${response.status} ${text.slice(0, 500)}`);
  }
  return { meetingId: meeting.id, ms };
}

// ---- what the servers received ----------------------------------------------------------------

/** Accepted SMS messages, concatenated segments counted once (UDH 05 00 03 ref total seq). */
function smsMessages(submits: SubmittedSm[]): number {
  const seen = new Set<string>();
  let count = 0;
  for (const part of submits) {
    if (part.status !== 0) continue;
    if (!part.udh) {
      count += 1;
      continue;
    }
    const key = `${part.destination}:${part.udh[3]}`;
    if (!seen.has(key)) count += 1;
    seen.add(key);
  }
  return count;
}

// ---- statistics -------------------------------------------------------------------------------

/** Nearest-rank percentile of unsorted values; NaN when there are none. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

const ms = (iso: string) => Date.parse(iso);

function cpuShare(before: NodeJS.CpuUsage, after: NodeJS.CpuUsage, seconds: number): number {
  return (after.user - before.user + after.system - before.system) / 1e6 / seconds;
}

/** Rows committed and sent per 250 ms step from the first commit, by channel (--timeline). */
function printTimeline(title: string, rows: OutboxTiming[]): void {
  if (!args.timeline || rows.length === 0) return;
  const STEP = 250;
  const origin = Math.min(...rows.map((r) => ms(r.created_at)));
  const steps: Array<{ committed: number; email: number; sms: number }> = [];
  const at = (iso: string) => {
    const i = Math.floor((ms(iso) - origin) / STEP);
    while (steps.length <= i) steps.push({ committed: 0, email: 0, sms: 0 });
    return steps[i] as { committed: number; email: number; sms: number };
  };
  for (const row of rows) {
    at(row.created_at).committed += 1;
    if (row.sent_at) at(row.sent_at)[row.channel] += 1;
  }
  console.error(`\n${title}: rows per ${STEP} ms step from the first commit`);
  console.error(
    table(
      ['from', 'committed', 'email sent', 'SMS sent'],
      steps.map((s, i) => [
        `${((i * STEP) / 1000).toFixed(2)} s`,
        String(s.committed),
        String(s.email),
        String(s.sms),
      ]),
    ),
  );
}

// ---- phase 1: throughput ----------------------------------------------------------------------

interface Throughput {
  invitations: number;
  meetings: number;
  sent: number;
  failed: number;
  retried: number;
  timedOut: boolean;
  /** First commit to last `sent`, from the outbox timestamps. */
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  max: number;
  emailP50: number;
  emailP99: number;
  smsP50: number;
  smsP99: number;
  /** From the first commit: when the last meeting committed, the last email and SMS were sent. */
  createdSpan: number;
  lastEmail: number;
  lastSms: number;
  /** Rows sent after the last commit, per second: delivery without creation competing. */
  rateAfterCreation: number;
  emailsReceived: number;
  smsReceived: number;
  smsSegments: number;
  expectedEmails: number;
  expectedSms: number;
  appCpu: number;
  benchCpu: number;
  /** Event-loop utilization of the app while creating, then delivering; of this process. */
  appBusyCreating: number;
  appBusyDelivering: number;
  benchBusy: number;
  /** CPU ms per invitation: the app while the meetings were created, then until all were sent. */
  appCpuMsCreating: number;
  appCpuMsDelivering: number;
  benchCpuMsPerInvitation: number;
  /** Mean size of the emails the SMTP server received, bytes. */
  emailBytes: number;
}

async function throughput(
  app: AppProcess,
  outbox: OutboxReader,
  smtp: TestSmtpServer,
  smsc: SmppTestServer,
): Promise<Throughput> {
  const mailsBefore = smtp.messages.length;
  const submitsBefore = smsc.submits.length;
  const sizes: number[] = [];
  for (let left = INVITATIONS; left > 0; left -= PER_MEETING) {
    sizes.push(Math.min(PER_MEETING, left));
  }
  const expectedEmails = sizes.reduce((n, size) => n + Math.ceil(size / 2), 0);
  const expectedSms = INVITATIONS - expectedEmails;

  process.stderr.write(
    `throughput: ${sizes.length} meetings, ${INVITATIONS} invitations (${expectedEmails} email, ` +
      `${expectedSms} SMS)...`,
  );
  const appBefore = await app.sample();
  const benchBefore = localSample();
  const started = performance.now();
  const meetingIds: string[] = [];
  for (const size of sizes) meetingIds.push((await createMeeting(app.ready, size)).meetingId);
  const appCreated = await app.sample();
  const { counts, timedOut } = await waitForDelivery(outbox, meetingIds, INVITATIONS, TIMEOUT_MS);
  const wall = (performance.now() - started) / 1000;
  const appAfter = await app.sample();
  const benchAfter = localSample();
  process.stderr.write(timedOut ? ` timed out after ${TIMEOUT_MS / 1000} s\n` : ' done\n');

  // The last 250 reaches the servers just before the row is marked sent; give them a moment.
  const deadline = performance.now() + 2_000;
  while (
    performance.now() < deadline &&
    (smtp.messages.length - mailsBefore < expectedEmails ||
      smsMessages(smsc.submits.slice(submitsBefore)) < expectedSms)
  ) {
    await sleep(POLL_MS);
  }

  const rows = outbox.timings(meetingIds);
  printTimeline('throughput', rows);
  const sentRows = rows.filter((r) => r.status === 'sent' && r.sent_at !== null);
  const latency = (r: OutboxTiming) => ms(r.sent_at as string) - ms(r.created_at);
  const of = (channel: string) => sentRows.filter((r) => r.channel === channel).map(latency);
  const firstCommit = Math.min(...rows.map((r) => ms(r.created_at)));
  const lastCommit = Math.max(...rows.map((r) => ms(r.created_at)));
  const lastSent = (channel?: string) =>
    Math.max(
      firstCommit,
      ...sentRows
        .filter((r) => !channel || r.channel === channel)
        .map((r) => ms(r.sent_at as string)),
    );
  const seconds = (lastSent() - firstCommit) / 1000;
  const all = sentRows.map(latency);
  return {
    invitations: rows.length,
    meetings: meetingIds.length,
    sent: counts.sent ?? 0,
    failed: counts.failed ?? 0,
    retried: rows.filter((r) => r.attempts > 1).length,
    timedOut,
    seconds,
    rate: seconds > 0 ? sentRows.length / seconds : 0,
    p50: percentile(all, 0.5),
    p99: percentile(all, 0.99),
    max: percentile(all, 1),
    emailP50: percentile(of('email'), 0.5),
    emailP99: percentile(of('email'), 0.99),
    smsP50: percentile(of('sms'), 0.5),
    smsP99: percentile(of('sms'), 0.99),
    createdSpan: (lastCommit - firstCommit) / 1000,
    lastEmail: (lastSent('email') - firstCommit) / 1000,
    lastSms: (lastSent('sms') - firstCommit) / 1000,
    rateAfterCreation:
      lastSent() > lastCommit
        ? sentRows.filter((r) => ms(r.sent_at as string) > lastCommit).length /
          ((lastSent() - lastCommit) / 1000)
        : Number.NaN,
    emailsReceived: smtp.messages.length - mailsBefore,
    smsReceived: smsMessages(smsc.submits.slice(submitsBefore)),
    smsSegments: smsc.submits.length - submitsBefore,
    expectedEmails,
    expectedSms,
    appCpu: cpuShare(appBefore.usage, appAfter.usage, wall),
    benchCpu: cpuShare(benchBefore.usage, benchAfter.usage, wall),
    appBusyCreating: busy(appBefore, appCreated),
    appBusyDelivering: busy(appCreated, appAfter),
    benchBusy: busy(benchBefore, benchAfter),
    appCpuMsCreating: (cpuShare(appBefore.usage, appCreated.usage, 1) * 1000) / rows.length,
    appCpuMsDelivering: (cpuShare(appCreated.usage, appAfter.usage, 1) * 1000) / rows.length,
    benchCpuMsPerInvitation:
      (cpuShare(benchBefore.usage, benchAfter.usage, 1) * 1000) / rows.length,
    emailBytes:
      smtp.messages.slice(mailsBefore).reduce((n, m) => n + m.raw.length, 0) /
      Math.max(1, smtp.messages.length - mailsBefore),
  };
}

// ---- phase 2: creation latency ----------------------------------------------------------------

interface Creation {
  label: string;
  replyDelayMs: number;
  latencies: number[];
  p50: number;
  p95: number;
  max: number;
  /** Of the rows these requests queued: how many were sent by the end of the requests. */
  sentDuring: { email: number; sms: number };
  queued: { email: number; sms: number };
  seconds: number;
  appCpu: number;
}

async function creation(
  app: AppProcess,
  outbox: OutboxReader,
  label: string,
  replyDelayMs: number,
): Promise<{ result: Creation; meetingIds: string[] }> {
  process.stderr.write(`creation (${label}): ${REQUESTS} x POST /api/meetings (50 ppl)...`);
  const meetingIds: string[] = [];
  const latencies: number[] = [];
  const appBefore = await app.sample();
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i += 1) {
    const created = await createMeeting(app.ready, PER_MEETING);
    meetingIds.push(created.meetingId);
    latencies.push(created.ms);
  }
  const seconds = (performance.now() - started) / 1000;
  const appAfter = await app.sample();
  const rows = outbox.timings(meetingIds);
  const count = (channel: string, sent: boolean) =>
    rows.filter((r) => r.channel === channel && (!sent || r.status === 'sent')).length;
  process.stderr.write(' done\n');
  return {
    meetingIds,
    result: {
      label,
      replyDelayMs,
      latencies,
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      max: percentile(latencies, 1),
      sentDuring: { email: count('email', true), sms: count('sms', true) },
      queued: { email: count('email', false), sms: count('sms', false) },
      seconds,
      appCpu: cpuShare(appBefore.usage, appAfter.usage, seconds),
    },
  };
}

// ---- printing ---------------------------------------------------------------------------------

const fmtMs = (n: number) => (Number.isNaN(n) ? '-' : n.toFixed(n < 10 ? 2 : 0));
const fmtS = (n: number) => `${n.toFixed(2)} s`;
const fmtPct = (n: number) => `${(n * 100).toFixed(0)}%`;
const fmtLoad = (l: number[]) => l.map((n) => n.toFixed(2)).join(' ');
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

function report(
  t: Throughput,
  fast: Creation,
  slow: Creation,
  again: Creation,
  reminders: ReminderFigures | undefined,
  load: { before: number[]; after: number[] },
): boolean {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const cores = os.availableParallelism();
  const ratio = slow.p50 / fast.p50;
  console.log(
    `\nMachine: ${cpu}, ${cores} cores, Node ${process.version}, ${os.platform()} ${os.release()}`,
  );
  console.log(
    `Load average (1/5/15 min): ${fmtLoad(load.before)} before, ${fmtLoad(load.after)} after`,
  );
  const shipped = SMTP_CONNECTIONS === undefined && CONCURRENCY === undefined;
  console.log(
    `App in a child process (SQLite, system clock, worker concurrency ${CONCURRENCY ?? 16}, ` +
      `SMTP pool ${SMTP_CONNECTIONS ?? 8}${shipped ? ', as shipped' : ', NOT the shipped defaults'}); ` +
      'test SMTP/SMPP servers and client in this one; loopback\n',
  );

  const delivered = `${t.sent}/${t.invitations}${t.timedOut ? ' (TIMED OUT)' : ''}`;
  console.log(
    table(
      ['figure', 'value', 'goal'],
      [
        ['invitations delivered', delivered, '-'],
        [
          'invitations delivered per second',
          t.rate.toFixed(0),
          `>=${GOAL_RATE} ${verdict(t.rate >= GOAL_RATE)}`,
        ],
        ['first commit -> last sent', fmtS(t.seconds), '-'],
        ['  per second after the last commit', t.rateAfterCreation.toFixed(0), '-'],
        [
          'commit -> delivered p50 / p99 / max (ms)',
          `${fmtMs(t.p50)} / ${fmtMs(t.p99)} / ${fmtMs(t.max)}`,
          '-',
        ],
        ['  email p50 / p99 (ms)', `${fmtMs(t.emailP50)} / ${fmtMs(t.emailP99)}`, '-'],
        ['  SMS p50 / p99 (ms)', `${fmtMs(t.smsP50)} / ${fmtMs(t.smsP99)}`, '-'],
        [
          'last commit / last email / last SMS (from first commit)',
          `${fmtS(t.createdSpan)} / ${fmtS(t.lastEmail)} / ${fmtS(t.lastSms)}`,
          '-',
        ],
        [
          'emails received / SMS received (segments)',
          `${t.emailsReceived}/${t.expectedEmails} / ${t.smsReceived}/${t.expectedSms} (${t.smsSegments})`,
          '-',
        ],
        ['rows failed / rows retried', `${t.failed} / ${t.retried}`, '-'],
        [
          'CPU during delivery: app / bench+servers (of one core)',
          `${fmtPct(t.appCpu)} / ${fmtPct(t.benchCpu)}`,
          '-',
        ],
        [
          'app event loop busy: creating / delivering; bench',
          `${fmtPct(t.appBusyCreating)} / ${fmtPct(t.appBusyDelivering)}; ${fmtPct(t.benchBusy)}`,
          '-',
        ],
        [
          'app CPU ms per invitation: creating / delivering',
          `${t.appCpuMsCreating.toFixed(2)} / ${t.appCpuMsDelivering.toFixed(2)}`,
          '-',
        ],
        ['bench+servers CPU ms per invitation', t.benchCpuMsPerInvitation.toFixed(2), '-'],
        ['mean email size (bytes)', String(Math.round(t.emailBytes)), '-'],
        [
          `POST /api/meetings p50 / p95, SMTP fast (ms)`,
          `${fmtMs(fast.p50)} / ${fmtMs(fast.p95)}`,
          '-',
        ],
        [
          `POST /api/meetings p50 / p95, SMTP ${SLOW_REPLY_MS} ms/msg (ms)`,
          `${fmtMs(slow.p50)} / ${fmtMs(slow.p95)}`,
          '-',
        ],
        [
          'creation p50 slow / fast',
          ratio.toFixed(2),
          `<=${GOAL_RATIO} ${verdict(ratio <= GOAL_RATIO)}`,
        ],
        [
          '  control: fast again / fast (drift within the run)',
          (again.p50 / fast.p50).toFixed(2),
          '-',
        ],
      ],
    ),
  );

  console.log(`\nCreation phases (${REQUESTS} sequential requests, 50 participants each)`);
  console.log(
    table(
      [
        'SMTP reply',
        'p50 ms',
        'p95 ms',
        'max ms',
        'took',
        'app CPU',
        'sent meanwhile: email',
        'SMS',
      ],
      [fast, slow, again].map((c) => [
        c.label,
        fmtMs(c.p50),
        fmtMs(c.p95),
        fmtMs(c.max),
        fmtS(c.seconds),
        fmtPct(c.appCpu),
        `${c.sentDuring.email}/${c.queued.email}`,
        `${c.sentDuring.sms}/${c.queued.sms}`,
      ]),
    ),
  );

  if (reminders) printReminders(reminders);

  const problems: string[] = [];
  if (reminders && reminders.sent !== reminders.reminders) {
    problems.push(`${reminders.sent} of ${reminders.reminders} reminders sent`);
  }
  if (t.timedOut) problems.push(`only ${t.sent} of ${t.invitations} invitations sent in time`);
  if (t.failed > 0) problems.push(`${t.failed} invitations failed`);
  if (t.emailsReceived !== t.expectedEmails) {
    problems.push(`SMTP server received ${t.emailsReceived} emails, expected ${t.expectedEmails}`);
  }
  if (t.smsReceived !== t.expectedSms) {
    problems.push(`SMPP server received ${t.smsReceived} SMS, expected ${t.expectedSms}`);
  }
  for (const problem of problems) console.log(`! ${problem}`);
  if (problems.length > 0) console.log('! The throughput figures above are not meaningful.');

  const round = (n: number, digits = 1) => (Number.isNaN(n) ? null : Number(n.toFixed(digits)));
  const summary = {
    bench: 'invitations',
    machine: { cpu, cores, node: process.version, load: load.before },
    app: { smtpConnections: SMTP_CONNECTIONS ?? 8, concurrency: CONCURRENCY ?? 16, shipped },
    invitations: t.invitations,
    delivered: t.sent,
    timedOut: t.timedOut,
    perSecond: round(t.rate),
    perSecondAfterCreation: round(t.rateAfterCreation),
    seconds: round(t.seconds, 3),
    commitToSentMs: { p50: t.p50, p99: t.p99, max: t.max },
    received: { email: t.emailsReceived, sms: t.smsReceived },
    eventLoopBusy: {
      appCreating: round(t.appBusyCreating, 2),
      appDelivering: round(t.appBusyDelivering, 2),
      bench: round(t.benchBusy, 2),
    },
    cpuMsPerInvitation: {
      appCreating: round(t.appCpuMsCreating, 2),
      appDelivering: round(t.appCpuMsDelivering, 2),
      benchAndServers: round(t.benchCpuMsPerInvitation, 2),
    },
    creation: {
      requests: REQUESTS,
      fast: { p50: round(fast.p50), p95: round(fast.p95) },
      slow: { replyDelayMs: SLOW_REPLY_MS, p50: round(slow.p50), p95: round(slow.p95) },
      ratio: round(ratio, 3),
      control: {
        p50: round(again.p50),
        p95: round(again.p95),
        ratio: round(again.p50 / fast.p50, 3),
      },
    },
    reminders: reminders && {
      count: reminders.reminders,
      sent: reminders.sent,
      dueToSentMs: { p50: reminders.p50, p99: reminders.p99, max: reminders.max },
      perSecond: round(reminders.rate),
    },
    goals: {
      perSecond: { goal: GOAL_RATE, met: t.rate >= GOAL_RATE },
      ...(reminders && {
        remindersWithinMs: { goal: REMINDER_GOAL_MS, met: reminders.max <= REMINDER_GOAL_MS },
      }),
      creationRatio: { goal: GOAL_RATIO, met: ratio <= GOAL_RATIO },
    },
  };
  console.log(`\n${JSON.stringify(summary)}`);
  return problems.length === 0;
}

function printReminders(r: ReminderFigures): void {
  console.log(`\nReminders (${r.reminders}, half email and half SMS, all due at ${r.dueAt})`);
  console.log(
    table(
      ['figure', 'value', 'goal'],
      [
        [
          'reminders planned / sent',
          `${r.planned} / ${r.sent}${r.timedOut ? ' (TIMED OUT)' : ''}`,
          '-',
        ],
        ['skipped / failed', `${r.skipped} / ${r.failed}`, '-'],
        [
          'due -> sent p50 / p99 / max (ms)',
          `${fmtMs(r.p50)} / ${fmtMs(r.p99)} / ${fmtMs(r.max)}`,
          `max <=${REMINDER_GOAL_MS / 1000} s ${verdict(r.max <= REMINDER_GOAL_MS)}`,
        ],
        ['  email p50 / p99 (ms)', `${fmtMs(r.emailP50)} / ${fmtMs(r.emailP99)}`, '-'],
        ['  SMS p50 / p99 (ms)', `${fmtMs(r.smsP50)} / ${fmtMs(r.smsP99)}`, '-'],
        ['reminders sent per second (from due)', r.rate.toFixed(0), '-'],
        ['reminder emails / SMS received', `${r.emailsReceived} / ${r.smsReceived}`, '-'],
        ['their invitations went out in', fmtS(r.invitationSeconds), '-'],
      ],
    ),
  );
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  const smtp = await TestSmtpServer.start();
  const smsc = await SmppTestServer.start();
  let app: AppProcess | undefined;
  let outbox: OutboxReader | undefined;
  try {
    app = await AppProcess.start(
      {
        BENCH_SMTP_URL: smtp.url(),
        BENCH_SMPP_URL: smsc.url(),
        BENCH_SMTP_CONNECTIONS: SMTP_CONNECTIONS === undefined ? '' : String(SMTP_CONNECTIONS),
        BENCH_WORKER_CONCURRENCY: CONCURRENCY === undefined ? '' : String(CONCURRENCY),
      },
      args['server-prof'],
    );
    outbox = new OutboxReader(app.ready.databaseFile);

    const t = await throughput(app, outbox, smtp, smsc);

    const fast = await creation(app, outbox, 'at once', 0);
    // Let the fast phase's rows go out, so the slow phase starts from an empty queue.
    const drained = await waitForDelivery(
      outbox,
      fast.meetingIds,
      fast.result.queued.email + fast.result.queued.sms,
      TIMEOUT_MS,
    );
    if (drained.timedOut) console.error('! fast-phase rows not all sent before the slow phase');
    printTimeline('creation, SMTP at once', outbox.timings(fast.meetingIds));

    smtp.setReplyDelay(SLOW_REPLY_MS);
    const slow = await creation(app, outbox, `${SLOW_REPLY_MS} ms/msg`, SLOW_REPLY_MS);
    printTimeline(`creation, SMTP ${SLOW_REPLY_MS} ms/msg`, outbox.timings(slow.meetingIds));

    // A control: the fast phase again once the slow phase's backlog is out. Fast, slow, fast
    // shows how much the figure drifts within one run (other load on the machine, a larger
    // database), to judge whether a slow/fast difference means anything.
    smtp.setReplyDelay(0);
    const backlog = await waitForDelivery(
      outbox,
      slow.meetingIds,
      slow.result.queued.email + slow.result.queued.sms,
      TIMEOUT_MS,
    );
    if (backlog.timedOut) console.error('! slow-phase rows not all sent before the control');
    const again = await creation(app, outbox, 'at once, again', 0);

    const reminders =
      REMINDERS > 0 ? await reminderPhase(app.ready, smtp, smsc, REMINDERS, TIMEOUT_MS) : undefined;

    const load = { before: loadBefore, after: os.loadavg() };
    if (!report(t, fast.result, slow.result, again.result, reminders, load)) {
      process.exitCode = 1;
    }
  } finally {
    outbox?.close();
    await app?.stop();
    await smtp.stop();
    await smsc.stop();
  }
  if (args['server-prof']) console.log(`App CPU profile written to ${args['server-prof']}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
