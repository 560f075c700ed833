/**
 * API benchmark: requests/s and latency of a few routes of the real app, each beside a bare
 * `node:http` hello server measured in the same run, printed as a ratio to the bare server.
 *
 *   npx tsx bench/api.ts [--seconds 10] [--warmup 2] [--rounds 1] [--connections 50]
 *                        [--only TEXT] [--server-prof DIR]
 *
 * --only runs the scenarios whose name contains TEXT; --server-prof writes a V8 CPU profile of
 * the server process (open it in Chrome DevTools or speedscope).
 *
 * The servers run in a child process (bench/support/servers.ts) and autocannon in this one, so
 * the load generator does not steal the servers' event loop. Everything listens on loopback
 * ephemeral ports and stops by itself. A benchmark, not a test: it prints numbers and fails
 * only when requests fail (then the numbers mean nothing).
 *
 * Goals (issue 21): /healthz at >= 90% of a bare node:http hello; the first page of
 * GET /api/meetings (50 meetings) at >= 30% of a bare server sending the same bytes (captured
 * from our answer just before the run); POST /api/meetings, outbox write included, at >= 1,000/s
 * with p99 < 20 ms at 10 connections. The load average is printed with the figures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  HELLO_BODY,
  type BareSetMessage,
  type CpuMessage,
  type ParentMessage,
  type ReadyMessage,
} from './support/servers.js';
import { table } from './support/table.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    'server-prof': { type: 'string' },
  },
});

function positiveInt(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be an integer >= ${min}, got ${raw}`);
  }
  return value;
}

const SECONDS = positiveInt('seconds', args.seconds, 1);
const WARMUP_SECONDS = positiveInt('warmup', args.warmup, 0);
const ROUNDS = positiveInt('rounds', args.rounds, 1);
const CONNECTIONS = positiveInt('connections', args.connections, 1);
const PIPELINING = 1;

interface Scenario {
  name: string;
  /** Minimum ours/bare req/s ratio the issue asks for, if any. */
  goal: number | null;
  /** What the bare server sends: a hello, or the same bytes as our answer to `check`'s request. */
  floor: 'hello' | 'same bytes';
  /** Concurrent connections, when the goal names them; otherwise --connections. */
  connections?: number;
  /** Latency goal for p99, in ms, if any. */
  p99GoalMs?: number;
  /** Throughput goal in requests per second, if any. */
  rpsGoal?: number;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** One request made before the load, to be sure the route answers what we think. */
  check(status: number, body: unknown): string | null;
}

/** One autocannon run plus the CPU each process used while it ran. */
interface Run {
  result: autocannon.Result;
  /** CPU time of the server process, as a share of one core over the run. */
  serverCpu: number;
  /** Same for this process, the load generator. */
  loadCpu: number;
}

interface Row {
  scenario: Scenario;
  /** Bytes of our answer's body (the bare server sends as many when its floor is `same bytes`). */
  bytes: number;
  ours: Measured;
  bare: Measured;
  ratio: number;
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  serverCpu: number;
  loadCpu: number;
}

// ---- the server child -------------------------------------------------------------------------

class Servers {
  private nextId = 0;
  private readonly pending = new Map<number, (usage: NodeJS.CpuUsage | null) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ReadyMessage,
  ) {
    child.on('message', (message: CpuMessage | ReadyMessage | BareSetMessage) => {
      if (message.type === 'ready') return;
      this.pending.get(message.id)?.(message.type === 'cpu' ? message.usage : null);
      this.pending.delete(message.id);
    });
  }

  static async start(profileDir: string | undefined): Promise<Servers> {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support/servers.ts');
    const execArgv = [...process.execArgv];
    if (profileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`);
    const child = fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<ReadyMessage>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`server process exited early (${code})`)));
      child.on('message', (message: ReadyMessage | CpuMessage) => {
        if (message.type === 'ready') resolve(message);
      });
    });
    child.removeAllListeners('exit');
    return new Servers(child, ready);
  }

  cpuUsage(): Promise<NodeJS.CpuUsage> {
    const id = (this.nextId += 1);
    return new Promise((resolve) => {
      this.pending.set(id, (usage) => resolve(usage as NodeJS.CpuUsage));
      this.child.send({ type: 'cpu', id } satisfies ParentMessage);
    });
  }

  /** Sets what the bare server answers from now on. */
  setBare(body: string, contentType: string): Promise<void> {
    const id = (this.nextId += 1);
    return new Promise((resolve) => {
      this.pending.set(id, () => resolve());
      this.child.send({ type: 'bare', id, body, contentType } satisfies ParentMessage);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

// ---- running the load -------------------------------------------------------------------------

function cpuShare(usage: NodeJS.CpuUsage, seconds: number): number {
  return (usage.user + usage.system) / 1e6 / seconds;
}

async function cannon(
  servers: Servers,
  url: string,
  scenario: Scenario,
  seconds: number,
): Promise<Run> {
  const serverBefore = await servers.cpuUsage();
  const loadBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: url + scenario.path,
    method: scenario.method,
    headers: scenario.headers,
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
    connections: scenario.connections ?? CONNECTIONS,
    pipelining: PIPELINING,
    duration: seconds,
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const loadAfter = process.cpuUsage(loadBefore);
  const serverAfter = await servers.cpuUsage();
  return {
    result,
    serverCpu: cpuShare(
      {
        user: serverAfter.user - serverBefore.user,
        system: serverAfter.system - serverBefore.system,
      },
      elapsed,
    ),
    loadCpu: cpuShare(loadAfter, elapsed),
  };
}

/** Several rounds are averaged: req/s and percentiles by mean, counts by sum. */
function summarize(runs: Run[]): Measured {
  const mean = (pick: (run: Run) => number) =>
    runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  const sum = (pick: (run: Run) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const statusCodes: Record<string, number> = {};
  for (const { result } of runs) {
    for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
      statusCodes[code] = (statusCodes[code] ?? 0) + (stats.count ?? 0);
    }
  }
  return {
    rps: mean((r) => r.result.requests.average),
    p50: mean((r) => r.result.latency.p50),
    p99: mean((r) => r.result.latency.p99),
    requests: sum((r) => r.result.requests.total),
    non2xx: sum((r) => r.result.non2xx),
    errors: sum((r) => r.result.errors),
    timeouts: sum((r) => r.result.timeouts),
    statusCodes,
    serverCpu: mean((r) => r.serverCpu),
    loadCpu: mean((r) => r.loadCpu),
  };
}

async function measure(servers: Servers, scenario: Scenario): Promise<Row> {
  const { bareUrl, appUrl } = servers.ready;
  const response = await fetch(appUrl + scenario.path, {
    method: scenario.method,
    headers: scenario.headers,
    ...(scenario.body === undefined ? {} : { body: scenario.body }),
  });
  const text = await response.text();
  const problem = scenario.check(response.status, text ? JSON.parse(text) : null);
  if (problem) throw new Error(`${scenario.name}: ${problem} (${response.status} ${text})`);
  if (scenario.floor === 'same bytes') {
    await servers.setBare(text, response.headers.get('content-type') ?? 'application/json');
  } else {
    await servers.setBare(HELLO_BODY, 'application/json; charset=utf-8');
  }
  const bytes = Buffer.byteLength(text);

  process.stderr.write(`${scenario.name}: warm-up ${WARMUP_SECONDS}s each`);
  if (WARMUP_SECONDS > 0) {
    await cannon(servers, bareUrl, scenario, WARMUP_SECONDS);
    await cannon(servers, appUrl, scenario, WARMUP_SECONDS);
  }
  const bareRuns: Run[] = [];
  const ourRuns: Run[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate which goes first (ABBA...) so slow drift in machine state hits both alike.
    const order = round % 2 === 0 ? (['bare', 'ours'] as const) : (['ours', 'bare'] as const);
    for (const which of order) {
      process.stderr.write(`, ${which} ${SECONDS}s`);
      const run = await cannon(servers, which === 'bare' ? bareUrl : appUrl, scenario, SECONDS);
      (which === 'bare' ? bareRuns : ourRuns).push(run);
    }
  }
  process.stderr.write('\n');
  const ours = summarize(ourRuns);
  const bare = summarize(bareRuns);
  return { scenario, bytes, ours, bare, ratio: ours.rps / bare.rps };
}

// ---- scenarios --------------------------------------------------------------------------------

function scenarios(ready: ReadyMessage): Scenario[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && !!v;
  const startsAt = new Date(Date.now() + 30 * 24 * 3_600_000).toISOString();
  return [
    {
      name: 'GET /healthz',
      goal: 0.9,
      floor: 'hello',
      method: 'GET',
      path: '/healthz',
      headers: {},
      check: (status, body) =>
        status === 200 && isObject(body) && body.status === 'ok' ? null : 'unexpected answer',
    },
    {
      name: `GET /api/meetings (page of ${ready.pageSize})`,
      goal: 0.3,
      floor: 'same bytes',
      method: 'GET',
      path: '/api/meetings',
      headers: { cookie: ready.cookie },
      check(status, body) {
        if (status !== 200 || !isObject(body) || !Array.isArray(body.meetings)) return 'not a list';
        if (body.meetings.length !== ready.pageSize || typeof body.nextCursor !== 'string') {
          return `expected a full page of ${ready.pageSize} and a cursor`;
        }
        const sizes = body.meetings.map((m: unknown) =>
          isObject(m) && Array.isArray(m.participants) ? m.participants.length : -1,
        );
        return sizes.every((n) => n === 3) ? null : 'meetings without 3 participants';
      },
    },
    // Last: every request adds a meeting to the member's list.
    {
      name: 'POST /api/meetings (3 ppl)',
      goal: null,
      floor: 'hello',
      // The goal: >= 1,000/s with p99 < 20 ms at 10 concurrent connections.
      connections: 10,
      rpsGoal: 1_000,
      p99GoalMs: 20,
      method: 'POST',
      path: '/api/meetings',
      headers: { cookie: ready.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Bench planning',
        participants: ready.participants,
        startsAt,
        durationMinutes: 45,
        timeZone: 'Europe/Madrid',
      }),
      check: (status, body) =>
        status === 201 &&
        isObject(body) &&
        Array.isArray(body.participants) &&
        body.participants.length === 3
          ? null
          : 'meeting not created with 3 participants',
    },
  ];
}

// ---- printing ---------------------------------------------------------------------------------

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number) => n.toFixed(n < 10 ? 2 : 1);
const fmtPct = (n: number) => `${(n * 100).toFixed(0)}%`;

/** Each goal a scenario has, and whether this run met it. */
function goals(r: Row): Array<{ text: string; met: boolean }> {
  const { goal, rpsGoal, p99GoalMs } = r.scenario;
  return [
    ...(goal === null ? [] : [{ text: `ratio >=${fmtPct(goal)}`, met: r.ratio >= goal }]),
    ...(rpsGoal === undefined
      ? []
      : [{ text: `>=${fmtInt(rpsGoal)}/s`, met: r.ours.rps >= rpsGoal }]),
    ...(p99GoalMs === undefined
      ? []
      : [{ text: `p99 <${p99GoalMs} ms`, met: r.ours.p99 < p99GoalMs }]),
  ];
}

function report(rows: Row[]): boolean {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const cores = os.availableParallelism();
  const load = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  console.log(
    `\nMachine: ${cpu}, ${cores} cores, Node ${process.version}, ${os.platform()} ${os.release()}; ` +
      `load average ${load} (1, 5, 15 min) at the end`,
  );
  console.log(
    `Load: autocannon, ${CONNECTIONS} connections, pipelining ${PIPELINING}, ` +
      `${SECONDS}s x ${ROUNDS} round(s) per target after ${WARMUP_SECONDS}s warm-up; ` +
      'servers in a child process, loopback\n',
  );
  console.log(
    table(
      [
        'scenario',
        'conns',
        'bytes',
        'req/s',
        'p50 ms',
        'p99 ms',
        'floor',
        'bare req/s',
        'bare p99',
        'ratio',
        'goal',
      ],
      rows.map((r) => [
        r.scenario.name,
        String(r.scenario.connections ?? CONNECTIONS),
        fmtInt(r.bytes),
        fmtInt(r.ours.rps),
        fmtMs(r.ours.p50),
        fmtMs(r.ours.p99),
        r.scenario.floor,
        fmtInt(r.bare.rps),
        fmtMs(r.bare.p99),
        fmtPct(r.ratio),
        goals(r)
          .map((g) => `${g.text} ${g.met ? 'met' : 'MISSED'}`)
          .join(', ') || '-',
      ]),
    ),
  );

  // Who was the bottleneck: a ratio only means something when the bare server was saturated,
  // not the load generator. Values are shares of one core (the server is single-threaded).
  console.log('\nCPU (share of one core) and request outcomes');
  console.log(
    table(
      [
        'scenario',
        'server',
        'autocannon',
        'bare server',
        'autocannon',
        'requests',
        'non-2xx',
        'errors',
      ],
      rows.map((r) => [
        r.scenario.name,
        fmtPct(r.ours.serverCpu),
        fmtPct(r.ours.loadCpu),
        fmtPct(r.bare.serverCpu),
        fmtPct(r.bare.loadCpu),
        `${fmtInt(r.ours.requests)} / ${fmtInt(r.bare.requests)}`,
        `${r.ours.non2xx} / ${r.bare.non2xx}`,
        `${r.ours.errors + r.ours.timeouts} / ${r.bare.errors + r.bare.timeouts}`,
      ]),
    ),
  );

  let failed = false;
  for (const r of rows) {
    for (const [which, m] of [
      ['ours', r.ours],
      ['bare', r.bare],
    ] as const) {
      if (m.non2xx + m.errors + m.timeouts === 0) continue;
      failed = true;
      console.log(
        `! ${r.scenario.name} (${which}): ${m.non2xx} non-2xx, ${m.errors} errors, ` +
          `${m.timeouts} timeouts; status codes ${JSON.stringify(m.statusCodes)}`,
      );
    }
  }
  if (failed) console.log('! Some requests failed: the numbers above are not meaningful.');

  const summary = {
    bench: 'api',
    machine: { cpu, cores, node: process.version, loadAverage: os.loadavg() },
    seconds: SECONDS,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    results: rows.map((r) => ({
      scenario: r.scenario.name,
      connections: r.scenario.connections ?? CONNECTIONS,
      bytes: r.bytes,
      floor: r.scenario.floor,
      rps: Math.round(r.ours.rps),
      p50: r.ours.p50,
      p99: r.ours.p99,
      bareRps: Math.round(r.bare.rps),
      bareP99: r.bare.p99,
      ratio: Number(r.ratio.toFixed(3)),
      goals: goals(r),
      failures: r.ours.non2xx + r.ours.errors + r.ours.timeouts,
    })),
  };
  console.log(`\n${JSON.stringify(summary)}`);
  return !failed;
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const servers = await Servers.start(args['server-prof']);
  try {
    const rows: Row[] = [];
    const only = args.only;
    const chosen = scenarios(servers.ready).filter((s) => !only || s.name.includes(only));
    if (chosen.length === 0) throw new Error(`no scenario matches --only ${only}`);
    for (const scenario of chosen) rows.push(await measure(servers, scenario));
    if (!report(rows)) process.exitCode = 1;
  } finally {
    await servers.stop();
  }
  if (args['server-prof']) console.log(`Server CPU profile written to ${args['server-prof']}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
