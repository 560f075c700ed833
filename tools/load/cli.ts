/**
 * npm run load -- --join-url URL --participants N [--seconds S] [--video on|off]
 *                 [--subscribe none|all] [--password P]
 *
 * Joins N synthetic participants (tools/load/synthetic.ts) to the meeting at URL through the
 * lobby and the room's signaling, as browsers do, keeps them there S seconds (60 by default) or
 * until Ctrl-C, makes them leave, then prints a table per participant and, last, one JSON line.
 * Exit codes: 0 all went well, 1 someone failed (the table says who), 2 bad input (one line).
 * Only ever point it at servers you run: it sends real media at the pace of a real camera.
 */
import { parseArgs } from 'node:util';
import { table } from '../../bench/support/table.js';
import { LoadInputError } from './lobby.js';
import { runLoad, type LoadResult } from './load-run.js';

const USAGE =
  'usage: npm run load -- --join-url URL --participants N [--seconds S] [--video on|off] ' +
  '[--subscribe none|all] [--password P]';

function refuse(line: string): never {
  console.error(line);
  process.exit(2);
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        'join-url': { type: 'string' },
        participants: { type: 'string' },
        seconds: { type: 'string', default: '60' },
        video: { type: 'string', default: 'on' },
        subscribe: { type: 'string', default: 'all' },
        password: { type: 'string' },
      },
    }));
  } catch (error) {
    refuse(`${(error as Error).message}\n${USAGE}`);
  }
  const joinUrl = values['join-url'];
  if (!joinUrl || values.participants === undefined) refuse(USAGE);
  if (!['on', 'off'].includes(values.video)) refuse('--video is on or off.');
  if (!['all', 'none'].includes(values.subscribe)) refuse('--subscribe is all or none.');
  return {
    joinUrl,
    participants: Number(values.participants),
    seconds: Number(values.seconds),
    video: values.video === 'on',
    subscribe: values.subscribe as 'all' | 'none',
    password: values.password,
  };
}

function percent(part: number, whole: number): string {
  return whole > 0 ? ((part / whole) * 100).toFixed(2) : '0.00';
}

function report(result: LoadResult): void {
  const rows = result.participants.map((p) => [
    p.name,
    p.joinMs.toFixed(0),
    p.mediaMs === null ? '-' : p.mediaMs.toFixed(0),
    String(p.sent.packets),
    String(p.received.packets),
    String(p.received.frames),
    String(p.received.keyframes),
    percent(p.received.lost, p.received.packets + p.received.lost),
    p.problems.join('; '),
  ]);
  const header = ['participant', 'join ms', 'media ms', 'sent pkts', 'recv pkts'];
  console.log(table([...header, 'frames', 'key', 'loss %', 'problems'], rows));
  for (const failure of result.failures) console.log(`${failure.name}: ${failure.error}`);
  const sum = (pick: (p: LoadResult['participants'][number]) => number) =>
    result.participants.reduce((total, p) => total + pick(p), 0);
  const joinMs = result.participants.map((p) => p.joinMs).sort((a, b) => a - b);
  const lost = sum((p) => p.received.lost);
  const received = sum((p) => p.received.packets);
  console.log(
    JSON.stringify({
      backend: result.backend,
      joined: result.participants.length,
      failed: result.failures.length,
      seconds: Number(result.seconds.toFixed(1)),
      joinMsMedian: Math.round(joinMs[Math.floor(joinMs.length / 2)] ?? 0),
      joinMsMax: Math.round(joinMs.at(-1) ?? 0),
      packetsSent: sum((p) => p.sent.packets),
      bytesSent: sum((p) => p.sent.bytes),
      packetsReceived: received,
      framesReceived: sum((p) => p.received.frames),
      keyframesReceived: sum((p) => p.received.keyframes),
      lossPercent: Number(percent(lost, received + lost)),
      cpuPercent: Math.round(result.cpuPercent),
      problems: sum((p) => p.problems.length),
      participants: result.participants.map((p) => ({
        name: p.name,
        joinMs: Math.round(p.joinMs),
        mediaMs: p.mediaMs === null ? null : Math.round(p.mediaMs),
        sent: p.sent,
        received: p.received,
      })),
    }),
  );
}

const stop = new Promise<void>((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: leaving the room`);
      resolve();
      // A second one means now.
      process.once(signal, () => process.exit(130));
    });
  }
});

try {
  const result = await runLoad({ ...options(), stop, say: (line) => console.error(line) });
  report(result);
  const failed = result.failures.length > 0 || result.participants.some((p) => p.problems.length);
  process.exit(failed ? 1 : 0);
} catch (error) {
  if (error instanceof LoadInputError) refuse(error.message);
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
