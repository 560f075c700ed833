/**
 * Signaling benchmark: many simulated participants in many rooms joining, chatting and
 * leaving over the room's WebSocket (docs/protocol.md), against the real app.
 *
 *   npx tsx bench/signaling.ts [--rooms 200] [--per-room 10] [--rate 10000] [--seconds 10]
 *                              [--warmup 2] [--workers 2] [--database-url postgres://...]
 *                              [--server-prof DIR]
 *
 * --server-prof writes a V8 CPU profile of the server process (Chrome DevTools, speedscope).
 *
 *   npx tsx bench/signaling.ts --nodes 1,2 [--rates 2500,5000,10000,...] [--database-url ...]
 *
 * compares one node (in-process bus) with several sharing rooms through Redis, at rising rates
 * (bench/support/signaling-nodes.ts); both over PostgreSQL (--database-url names a server where
 * it may create a database; default TEST_DATABASE_URL or the local postgres).
 *
 * Processes (bench/support/signaling-processes.ts): the app runs in a child process
 * (bench/support/signaling-server.ts: buildApp over createServices as main.ts does, a fresh
 * SQLite file unless --database-url, `--expose-gc` for the memory readings). The participants
 * are `ws` clients in --workers worker threads of this process (signaling-clients.ts), so the
 * client load never runs on the server's event loop. On a small machine they still share its
 * cores, and other tenants may too: the report prints the load average, how much of a core a
 * lone busy loop got just before the run, the CPU each side used, and the clients' own
 * event-loop delay (a receipt can wait there too).
 *
 * Setup, through the HTTP API: the bench member logs in once (the login rate limit is not a
 * concern), starts one quick conference per room (`POST /api/meetings/quick`) and passes each
 * lobby once per participant as a guest (`POST /api/join/:token`, not rate limited), keeping
 * the guest token as the room's bearer. Rooms hold --per-room people, above the p2p default of
 * 6, so the server runs with P2P_ROOM_CAP set to it.
 *
 * Phases:
 * 1. Join: every participant connects and sends hello, 50 at a time per worker; joins per
 *    second over the whole phase, and the time from connect to welcome.
 * 2. Idle: the connections stay open (pinging every heartbeatMs, as browsers do); the server's
 *    memory after full GCs, minus the same reading before any connection, per connection.
 *    RSS often hardly moves (the allocator reuses what the setup freed) while the V8 heap
 *    grows, so both are printed and the goal is judged on the larger.
 * 3. Chat: a steady total of --rate chat messages per second *delivered* (received by another
 *    member of the sender's room; the sender's own echo is not counted), i.e. rate/(per-room-1)
 *    sends per second spread evenly over every participant: about 0.56 messages per second
 *    each with the defaults, far below the rate cap of 50/s. Each text carries its send time;
 *    fan-out latency is measured from send to receipt at every other member, after --warmup
 *    seconds. Every message is stored in the database before it is fanned out, so the insert
 *    is part of what is measured.
 * 4. Leave: every participant sends leave and waits for the server to close; leaves per second.
 *
 * A benchmark, not a test: it prints numbers and never gates CI; it exits non-zero only when
 * something failed outright (joins refused, messages lost, error frames).
 * Goals (from the issue): fan-out p99 under 50 ms at 10,000 messages per second; under 50 KB of
 * server memory per idle connection.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { RATE_LIMIT } from '../src/shared/signaling.js';
import type { WorkerReport } from './support/signaling-clients.js';
import { seatEveryone } from './support/signaling-seats.js';
import { merged, percentile } from './support/stats.js';
import { DEFAULT_RATES, runNodes } from './support/signaling-nodes.js';
import { ClientWorkers, ServerProcess } from './support/signaling-processes.js';
import { table } from './support/table.js';

const { values: args } = parseArgs({
  options: {
    rooms: { type: 'string', default: '200' },
    'per-room': { type: 'string', default: '10' },
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    workers: { type: 'string', default: '2' },
    'database-url': { type: 'string' },
    'server-prof': { type: 'string' },
    nodes: { type: 'string' },
    rates: { type: 'string' },
  },
});

function positive(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be >= ${min}`);
  return value;
}

const ROOMS = positive('rooms', args.rooms, 1);
const PER_ROOM = positive('per-room', args['per-room'], 2);
const RATE = positive('rate', args.rate, 1);
const SECONDS = positive('seconds', args.seconds, 1);
const WARMUP = positive('warmup', args.warmup, 0);
const WORKERS = positive('workers', args.workers, 1);
if (WARMUP >= SECONDS) throw new Error('--warmup must be shorter than --seconds');
const PARTICIPANTS = ROOMS * PER_ROOM;
const JOIN_CONCURRENCY = 50;
const IDLE_SETTLE_MS = 3_000;
/** After the last send, no receipt for this long means the rest is lost. */
const DRAIN_MS = 5_000;
const GOAL_P99_MS = 50;
const GOAL_BYTES_PER_CONNECTION = 50 * 1024;

function only<T extends WorkerReport['type']>(reports: WorkerReport[], type: T) {
  return reports.filter((r): r is Extract<WorkerReport, { type: T }> => r.type === type);
}

// ---- figures ------------------------------------------------------------------------------------

const cpuShare = (before: NodeJS.CpuUsage, after: NodeJS.CpuUsage, wallMs: number) =>
  (after.user - before.user + after.system - before.system) / 1000 / wallMs;

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number) => n.toFixed(n < 10 ? 2 : 1);
const fmtKb = (bytes: number) => (bytes / 1024).toFixed(1);
const fmtPct = (n: number) => `${(n * 100).toFixed(0)}%`;
/**
 * How much of one core a lone busy thread gets right now: on a shared machine every figure
 * above is relative to this (1.00 = a whole core).
 */
function cpuAvailable(ms = 1_000): number {
  const started = performance.now();
  const before = process.cpuUsage();
  while (performance.now() - started < ms) {
    // spin
  }
  return cpuShare(before, process.cpuUsage(), performance.now() - started);
}

const fmtLoad = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const loadBefore = fmtLoad();
  const spinShare = cpuAvailable();
  const sendsPerSecond = RATE / (PER_ROOM - 1);
  const perClientRate = sendsPerSecond / PARTICIPANTS;
  if (perClientRate >= RATE_LIMIT.perSecond) {
    throw new Error(`${perClientRate.toFixed(1)} msg/s per client would hit the rate cap`);
  }

  const server = await ServerProcess.start({
    roomCap: PER_ROOM,
    databaseUrl: args['database-url'],
    profileDir: args['server-prof'],
  });
  const clients = ClientWorkers.start(WORKERS);
  const failures: string[] = [];
  try {
    const { url } = server.ready;
    console.log(
      `Setting up ${fmtInt(ROOMS)} rooms of ${PER_ROOM} (${fmtInt(PARTICIPANTS)} guest sessions)...`,
    );
    const seats = await seatEveryone(server.ready, ROOMS, PER_ROOM);
    const byWorker = (index: number) => seats.filter((seat) => seat.room % WORKERS === index);
    const baseline = await server.memory();

    // 1. Join.
    let cpu = await server.cpu();
    let started = performance.now();
    const joined = only(
      await clients.run((i) => ({
        type: 'join',
        urls: [url.replace('http:', 'ws:')],
        seats: byWorker(i),
        concurrency: JOIN_CONCURRENCY,
      })),
      'joined',
    );
    const joinWallMs = performance.now() - started;
    const joinCpu = cpuShare(cpu, await server.cpu(), joinWallMs);
    const joinMs = merged(joined.map((r) => r.joinMs));
    failures.push(...joined.flatMap((r) => r.failures.map((f) => `join: ${f}`)));

    // 2. Idle.
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
    const idle = await server.memory();
    const perConnection = {
      rss: (idle.rss - baseline.rss) / PARTICIPANTS,
      heap: (idle.heapUsed - baseline.heapUsed) / PARTICIPANTS,
      external: (idle.external - baseline.external) / PARTICIPANTS,
    };
    // RSS often hardly moves (the allocator reuses what setup freed) while the heap does:
    // judged on whichever is larger.
    const perConnectionBytes = Math.max(
      perConnection.rss,
      perConnection.heap + perConnection.external,
    );

    // 3. Chat.
    console.log(
      `Chatting: ${fmtInt(RATE)} deliveries/s (${fmtInt(sendsPerSecond)} sends/s) for ${SECONDS}s...`,
    );
    cpu = await server.cpu();
    const clientCpu = process.cpuUsage();
    started = performance.now();
    const chatted = only(
      await clients.run((i) => ({
        type: 'chat',
        sendsPerSecond: (sendsPerSecond * byWorker(i).length) / PARTICIPANTS,
        seconds: SECONDS,
        warmupSeconds: WARMUP,
        drainMs: DRAIN_MS,
      })),
      'chatted',
    );
    const chatWallMs = performance.now() - started;
    const chatCpuAfter = await server.cpu();
    const chatCpu = cpuShare(cpu, chatCpuAfter, chatWallMs);
    const chatClientCpu = cpuShare({ user: 0, system: 0 }, process.cpuUsage(clientCpu), chatWallMs);
    const latency = merged(chatted.map((r) => r.latencyMs));
    const sent = chatted.reduce((n, r) => n + r.sent, 0);
    const expected = chatted.reduce((n, r) => n + r.expected, 0);
    const received = chatted.reduce((n, r) => n + r.received, 0);
    // Everything the server did meanwhile (receipts, inserts, fan-out, pings) per delivery.
    const serverCpuPerDeliveryUs =
      (chatCpuAfter.user - cpu.user + chatCpuAfter.system - cpu.system) / Math.max(1, received);
    const deliveredPerSecond =
      chatted.reduce((n, r) => n + r.receivedInWindow, 0) / (SECONDS - WARMUP);
    const maxClientRate = Math.max(...chatted.map((r) => r.perClientRate));
    const clientLoopDelay = Math.max(...chatted.map((r) => r.loopDelayP99Ms));
    if (received !== expected) failures.push(`chat: ${expected - received} deliveries missing`);
    failures.push(...chatted.flatMap((r) => r.errors.map((e) => `chat: ${e}`)));

    // 4. Leave.
    cpu = await server.cpu();
    started = performance.now();
    const left = only(
      await clients.run(() => ({ type: 'leave', concurrency: JOIN_CONCURRENCY })),
      'left',
    );
    const leaveWallMs = performance.now() - started;
    const leaveCpu = cpuShare(cpu, await server.cpu(), leaveWallMs);
    const leaveMs = merged(left.map((r) => r.leaveMs));
    failures.push(...left.flatMap((r) => r.failures.map((f) => `leave: ${f}`)));

    // ---- report ----
    const model = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(
      `\nMachine: ${model}, ${os.availableParallelism()} cores, Node ${process.version}, ` +
        `${os.platform()} ${os.release()}; load average ${loadBefore} before, ${fmtLoad()} after;\n` +
        `a lone busy loop got ${fmtPct(spinShare)} of one core just before the run`,
    );
    console.log(
      `Server: child process, ${server.ready.databaseKind}, P2P_ROOM_CAP ${server.ready.roomCap}, ` +
        `heartbeat ${server.ready.heartbeatMs} ms. Clients: ${WORKERS} worker threads of the ` +
        `parent process, ${fmtInt(PARTICIPANTS)} participants in ${fmtInt(ROOMS)} rooms of ${PER_ROOM}.\n`,
    );
    const p99 = percentile(latency, 99);
    const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(
      table(
        ['figure', 'value', 'goal'],
        [
          ['joins per second', fmtInt(PARTICIPANTS / (joinWallMs / 1000)), '-'],
          [
            'join, connect to welcome: p50 / p99 ms',
            `${fmtMs(percentile(joinMs, 50))} / ${fmtMs(percentile(joinMs, 99))}`,
            '-',
          ],
          ['chat: target deliveries per second', fmtInt(RATE), '10,000'],
          ['chat: deliveries per second achieved', fmtInt(deliveredPerSecond), '-'],
          [
            'chat: messages per second per client',
            maxClientRate.toFixed(2),
            `< ${RATE_LIMIT.perSecond} (rate cap)`,
          ],
          [
            'fan-out latency p50 / p90 ms',
            `${fmtMs(percentile(latency, 50))} / ${fmtMs(percentile(latency, 90))}`,
            '-',
          ],
          [
            'fan-out latency p99 / max ms',
            `${fmtMs(p99)} / ${fmtMs(percentile(latency, 100))}`,
            `p99 < ${GOAL_P99_MS} ${met(p99 < GOAL_P99_MS)}`,
          ],
          [
            'chat: sent / delivered / expected',
            `${fmtInt(sent)} / ${fmtInt(received)} / ${fmtInt(expected)}`,
            'all delivered',
          ],
          ['leaves per second', fmtInt(PARTICIPANTS / (leaveWallMs / 1000)), '-'],
          [
            'leave, leave to close: p50 / p99 ms',
            `${fmtMs(percentile(leaveMs, 50))} / ${fmtMs(percentile(leaveMs, 99))}`,
            '-',
          ],
          [
            'idle memory per connection KB (larger of the two below)',
            fmtKb(perConnectionBytes),
            `< 50 ${met(perConnectionBytes < GOAL_BYTES_PER_CONNECTION)}`,
          ],
          ['  RSS delta per connection KB', fmtKb(perConnection.rss), '-'],
          [
            '  heap + external delta per connection KB',
            `${fmtKb(perConnection.heap)} + ${fmtKb(perConnection.external)}`,
            '-',
          ],
          [
            'server CPU (share of one core): join / chat / leave',
            `${fmtPct(joinCpu)} / ${fmtPct(chatCpu)} / ${fmtPct(leaveCpu)}`,
            '-',
          ],
          ['server CPU per delivery during chat, µs', serverCpuPerDeliveryUs.toFixed(0), '-'],
          ['client process CPU during chat (all workers)', fmtPct(chatClientCpu), '-'],
          ['client event-loop delay p99 during chat ms', fmtMs(clientLoopDelay), '-'],
        ],
      ),
    );
    console.log(
      `\nServer memory: RSS ${fmtKb(baseline.rss / 1024)} MB before the connections, ` +
        `${fmtKb(idle.rss / 1024)} MB with ${fmtInt(PARTICIPANTS)} idle; ` +
        `heap ${fmtKb(baseline.heapUsed / 1024)} -> ${fmtKb(idle.heapUsed / 1024)} MB (after full GCs).`,
    );
    console.log(
      'Latency: send to receipt by each other member, messages sent after the warm-up; every ' +
        'message is stored in the database before it is fanned out.',
    );
    console.log(
      `\n${JSON.stringify({
        bench: 'signaling',
        machine: {
          cpu: model,
          cores: os.availableParallelism(),
          node: process.version,
          loadAverage: os.loadavg(),
          busyLoopCoreShare: Number(spinShare.toFixed(2)),
        },
        participants: PARTICIPANTS,
        rooms: ROOMS,
        joinsPerSecond: Math.round(PARTICIPANTS / (joinWallMs / 1000)),
        deliveriesPerSecond: Math.round(deliveredPerSecond),
        fanoutP50Ms: Number(percentile(latency, 50).toFixed(2)),
        fanoutP99Ms: Number(p99.toFixed(2)),
        serverCpuPerDeliveryUs: Math.round(serverCpuPerDeliveryUs),
        leavesPerSecond: Math.round(PARTICIPANTS / (leaveWallMs / 1000)),
        idleBytesPerConnection: Math.round(perConnectionBytes),
        idleRssBytesPerConnection: Math.round(perConnection.rss),
        idleHeapBytesPerConnection: Math.round(perConnection.heap),
      })}`,
    );
  } finally {
    await clients.stop();
    await server.stop();
  }
  if (failures.length > 0) {
    console.log(`\n! ${failures.length} failures; the numbers above are not meaningful:`);
    for (const failure of failures.slice(0, 10)) console.log(`  ${failure}`);
    process.exitCode = 1;
  }
}

const run = args.nodes
  ? runNodes({
      nodeCounts: args.nodes.split(',').map((n) => positive('nodes', n, 1)),
      rates: args.rates ? args.rates.split(',').map((r) => positive('rates', r, 1)) : DEFAULT_RATES,
      rooms: ROOMS,
      perRoom: PER_ROOM,
      seconds: SECONDS,
      warmup: WARMUP,
      workers: WORKERS,
      adminDatabaseUrl:
        args['database-url'] ??
        process.env.TEST_DATABASE_URL ??
        'postgres://postgres@127.0.0.1:5432/test',
    })
  : main();

run.catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
