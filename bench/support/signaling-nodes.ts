/**
 * `bench/signaling.ts --nodes 1,2`: the same fan-out load on one node with the in-process bus
 * and on several nodes sharing rooms through Redis, side by side in one run.
 *
 * For each node count: a fresh PostgreSQL database (both runs use it, so only the bus differs),
 * a private redis-server when there are several nodes, the nodes as child processes
 * (signaling-server.ts with REDIS_URL), rooms whose members are spread over every node (so half
 * the deliveries of a two-node room cross Redis). Then chat at rising rates of deliveries per
 * second, each for --seconds, until p99 passes 50 ms, a node's CPU is full or deliveries go
 * missing. Per step: deliveries per second achieved, p50/p99/max fan-out latency, the nodes'
 * CPU per delivery and per node, and the Redis server's CPU.
 */
import os from 'node:os';
import { TestRedis } from '../../test/support/cluster.js';
import { createPostgresDatabase } from '../../test/support/harness.js';
import { ClientWorkers, ServerProcess } from './signaling-processes.js';
import type { WorkerReport } from './signaling-clients.js';
import { seatEveryone } from './signaling-seats.js';
import { cpuSecondsOf } from './sfu-cpu.js';
import { merged, percentile } from './stats.js';
import { machineReport } from './machine.js';
import { table } from './table.js';

export interface NodesOptions {
  nodeCounts: number[];
  rates: number[];
  rooms: number;
  perRoom: number;
  seconds: number;
  warmup: number;
  workers: number;
  /** A PostgreSQL server where the bench may create and drop a database. */
  adminDatabaseUrl: string;
}

interface Step {
  nodes: number;
  targetRate: number;
  deliveredPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Every node's CPU time during the step, per delivery, microseconds. */
  cpuPerDeliveryUs: number;
  /** The busiest node's share of one core. */
  busiestNodeCpu: number;
  redisCpu: number | null;
  missing: number;
  errors: number;
}

const GOAL_P99_MS = 50;
const JOIN_CONCURRENCY = 50;
const DRAIN_MS = 5_000;
/** A node above this share of one core is full: a higher rate would only measure queueing. */
const FULL_CPU = 0.95;

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number) => n.toFixed(n < 10 ? 2 : 1);
const fmtPct = (n: number) => `${(n * 100).toFixed(0)}%`;

function only<T extends WorkerReport['type']>(reports: WorkerReport[], type: T) {
  return reports.filter((r): r is Extract<WorkerReport, { type: T }> => r.type === type);
}

function cpuSeconds(pids: (number | undefined)[]): number {
  return pids.reduce<number>((sum, pid) => sum + (pid ? (cpuSecondsOf(pid) ?? 0) : 0), 0);
}

/** One node count: start everything, join, climb the rates, leave, stop everything. */
async function runCount(nodes: number, options: NodesOptions): Promise<Step[]> {
  const database = await createPostgresDatabase(options.adminDatabaseUrl);
  const redis = nodes > 1 ? await TestRedis.start() : undefined;
  const servers: ServerProcess[] = [];
  const clients = ClientWorkers.start(options.workers);
  const steps: Step[] = [];
  try {
    for (let i = 0; i < nodes; i += 1) {
      servers.push(
        await ServerProcess.start({
          roomCap: options.perRoom,
          databaseUrl: database.url,
          profileDir: undefined,
          redisUrl: redis?.url,
          nodeId: `bench-${i + 1}`,
          createMember: i === 0,
        }),
      );
    }
    const first = servers[0] as ServerProcess;
    const participants = options.rooms * options.perRoom;
    console.log(`\n${nodes} node(s): seating ${fmtInt(participants)} participants...`);
    const seats = await seatEveryone(first.ready, options.rooms, options.perRoom, nodes);
    const urls = servers.map((server) => server.ready.url.replace('http:', 'ws:'));
    const byWorker = (index: number) =>
      seats.filter((seat) => seat.room % options.workers === index);
    const joined = only(
      await clients.run((i) => ({
        type: 'join',
        urls,
        seats: byWorker(i),
        concurrency: JOIN_CONCURRENCY,
      })),
      'joined',
    );
    const joinFailures = joined.flatMap((r) => r.failures);
    if (joinFailures.length > 0) throw new Error(`joins failed: ${joinFailures.slice(0, 3)}`);

    const redisPid = redis?.pid;
    for (const rate of options.rates) {
      const sendsPerSecond = rate / (options.perRoom - 1);
      const nodeCpuBefore = servers.map((server) => cpuSeconds([server.pid]));
      const redisBefore = redisPid ? cpuSeconds([redisPid]) : 0;
      const started = performance.now();
      const chatted = only(
        await clients.run((i) => ({
          type: 'chat',
          sendsPerSecond: (sendsPerSecond * byWorker(i).length) / participants,
          seconds: options.seconds,
          warmupSeconds: options.warmup,
          drainMs: DRAIN_MS,
        })),
        'chatted',
      );
      const wallS = (performance.now() - started) / 1000;
      const nodeCpu = servers.map(
        (server, i) => cpuSeconds([server.pid]) - (nodeCpuBefore[i] ?? 0),
      );
      const latency = merged(chatted.map((r) => r.latencyMs));
      const received = chatted.reduce((n, r) => n + r.received, 0);
      const expected = chatted.reduce((n, r) => n + r.expected, 0);
      const step: Step = {
        nodes,
        targetRate: rate,
        deliveredPerSecond:
          chatted.reduce((n, r) => n + r.receivedInWindow, 0) / (options.seconds - options.warmup),
        p50: percentile(latency, 50),
        p99: percentile(latency, 99),
        max: percentile(latency, 100),
        cpuPerDeliveryUs: (nodeCpu.reduce((a, b) => a + b, 0) * 1e6) / Math.max(1, received),
        busiestNodeCpu: Math.max(...nodeCpu) / wallS,
        redisCpu: redisPid ? (cpuSeconds([redisPid]) - redisBefore) / wallS : null,
        missing: expected - received,
        errors: chatted.reduce((n, r) => n + r.errors.length, 0),
      };
      steps.push(step);
      console.log(
        `  ${fmtInt(rate)}/s target: ${fmtInt(step.deliveredPerSecond)}/s delivered, ` +
          `p50 ${fmtMs(step.p50)} ms, p99 ${fmtMs(step.p99)} ms, busiest node ${fmtPct(step.busiestNodeCpu)}` +
          (step.missing > 0 ? `, ${fmtInt(step.missing)} missing` : ''),
      );
      if (step.p99 > GOAL_P99_MS || step.busiestNodeCpu > FULL_CPU || step.missing > 0) break;
    }
    await clients.run(() => ({ type: 'leave', concurrency: JOIN_CONCURRENCY }));
  } finally {
    await clients.stop();
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.stop();
    await database.drop();
  }
  return steps;
}

export async function runNodes(options: NodesOptions): Promise<void> {
  const loadBefore = os.loadavg();
  const results: Step[] = [];
  for (const count of options.nodeCounts) results.push(...(await runCount(count, options)));

  const machine = machineReport(loadBefore);
  console.log(machine.line);
  console.log(
    `Rooms: ${fmtInt(options.rooms)} of ${options.perRoom}, members spread over the nodes; ` +
      `PostgreSQL for every run; ${options.workers} client worker threads; ` +
      `each rate for ${options.seconds} s (first ${options.warmup} s not measured).\n`,
  );
  console.log(
    table(
      [
        'nodes',
        'target/s',
        'delivered/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'CPU µs/delivery',
        'busiest node CPU',
        'Redis CPU',
        'missing',
      ],
      results.map((s) => [
        String(s.nodes),
        fmtInt(s.targetRate),
        fmtInt(s.deliveredPerSecond),
        fmtMs(s.p50),
        fmtMs(s.p99),
        fmtMs(s.max),
        s.cpuPerDeliveryUs.toFixed(0),
        fmtPct(s.busiestNodeCpu),
        s.redisCpu === null ? '-' : fmtPct(s.redisCpu),
        fmtInt(s.missing),
      ]),
    ),
  );
  const at = (nodes: number, rate: number) =>
    results.find((s) => s.nodes === nodes && s.targetRate === rate);
  const one = at(1, 10_000);
  const two = at(2, 10_000);
  const lines: string[] = [];
  if (two) {
    lines.push(
      `two nodes at 10,000 deliveries/s: p99 ${fmtMs(two.p99)} ms (goal < ${GOAL_P99_MS}: ` +
        `${two.p99 < GOAL_P99_MS && two.missing === 0 ? 'met' : 'MISSED'})`,
    );
  }
  if (one && two) {
    const added = two.p50 - one.p50;
    lines.push(
      `Redis adds ${fmtMs(added)} ms to the p50 at 10,000/s (goal <= 2: ${added <= 2 ? 'met' : 'MISSED'})`,
    );
  }
  for (const nodes of options.nodeCounts) {
    const ofCount = results.filter((s) => s.nodes === nodes && s.missing === 0);
    const best = Math.min(...ofCount.map((s) => s.cpuPerDeliveryUs));
    if (Number.isFinite(best)) {
      const perCore = 1e6 / best;
      lines.push(
        `${nodes} node(s): ${fmtInt(perCore)} deliveries per second per core of node CPU ` +
          `(goal >= 40,000: ${perCore >= 40_000 ? 'met' : 'MISSED'})`,
      );
    }
  }
  console.log(`\n${lines.join('\n')}`);
  console.log(
    `\n${JSON.stringify({
      bench: 'signaling-nodes',
      machine: { cpu: machine.cpu, cores: machine.cores, loadAverage: machine.loadAfter },
      rooms: options.rooms,
      perRoom: options.perRoom,
      steps: results,
    })}`,
  );
  if (results.some((s) => s.errors > 0)) process.exitCode = 1;
}

/** The default climb of delivered messages per second. */
export const DEFAULT_RATES = [2_500, 5_000, 10_000, 20_000, 40_000, 80_000];
