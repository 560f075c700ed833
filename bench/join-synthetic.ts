/**
 * Join benchmark with synthetic members: how long the Nth participant, a real Chromium page,
 * takes from its click on Join to the first frame of every other camera, when the N-1 already
 * in the room are synthetic participants (tools/load/synthetic.ts: werift, looping
 * pre-encoded VP8 and Opus, no browser and no encoder). Browsers cannot fill a room of 25 on a
 * small machine; synthetic members can, so the room's size is what varies, not the machine's
 * video work. Run through bench/join.ts:
 *
 *   npm run build && npm run bench:join -- --members synthetic
 *       [--media p2p,janus] [--p2p-sizes 2,4,6] [--janus-sizes 2,4,8,16,25] [--rounds 5]
 *       [--subscribe all|none] [--workers 2] [--settle-seconds 3] [--max-minutes 20]
 *
 * Per round and size: a fresh quick conference; N-1 synthetic members join through the lobby
 * and the room's signaling (4 at a time), each publishing its camera and microphone; once all
 * have their media up and --settle-seconds have passed, the measured guest opens the lobby in
 * a fresh browser context, waits for its own camera preview, clicks Join and waits for a
 * first frame of each of the N-1 cameras. Times come from the join probe on the page's own
 * clock (bench/support/join-probe.ts: the click, and `requestVideoFrameCallback` on each
 * incoming camera), so they hold no Playwright latency.
 *
 * What the synthetic members receive (--subscribe): `all` by default, as real members do: in
 * a mesh everyone receives everyone, and on Janus every member is offered the newcomer's
 * streams the moment it publishes, so the joiner's path shares the app and Janus with N-1
 * renegotiations and the room's forwarding, as it would. `none` makes them publish only: the
 * room is then lighter than a real one, but on a small machine receiving 25 rooms' worth of
 * streams in werift costs more CPU than the machine has (about 6,000 packets a second per
 * Node process); the output prints the tool's own CPU during each join so either choice can
 * be judged. They run in --workers child processes (bench/support/synthetic-workers.ts).
 * Synthetic cameras answer key frame requests at once, as a browser's encoder does
 * (tools/load/rtp-loop.ts), so no joiner waits for the clip's next key frame.
 *
 * The floor: the same measurement with one other participant (N = 2), of the same backend,
 * measured in the same run and rotated with the other sizes; its p50 is the floor, and every
 * size's ratio is its p50 over that. The N = 2 row is the floor itself (ratio 1.00).
 * Goal (from the issue): p50 within 1.5x the floor's p50 at every size, on Janus up to 25 and
 * on p2p up to its cap (6).
 *
 * A benchmark, not a test: it prints a table and one JSON line and never gates CI; it exits
 * non-zero only when a size got no sample at all.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { chromiumLaunch } from '../test/support/chromium.js';
import {
  adminCookie,
  checkBuild,
  quickConference,
  startApp,
  type AppProcess,
} from './support/app-process.js';
import {
  inLobby,
  JOIN,
  PHASES,
  phasesOf,
  showsCameras,
  type Phases,
} from './support/join-round.js';
import { machineReport, uptimeLine } from './support/machine.js';
import { descendants, startCpuMeter } from './support/sfu-cpu.js';
import { startJanusApp, type JanusApp } from './support/sfu-janus.js';
import { SyntheticWorkers } from './support/synthetic-workers.js';
import { table } from './support/table.js';

export interface JoinSyntheticOptions {
  root: string;
  media: Media[];
  sizes: Record<Media, number[]>;
  rounds: number;
  budgetMs: number;
  subscribe: 'all' | 'none';
  workers: number;
  settleSeconds: number;
}

type Media = 'p2p' | 'janus';
const GOAL = 1.5;
/** Synthetic members joining at once, as a crowd arrives (the load tool's own figure). */
const JOIN_CONCURRENCY = 4;
/** Per wait; generous, as a busy 2-core machine can take seconds per step. */
const STEP_TIMEOUT_MS = 60_000;

interface Sample {
  totalMs: number;
  phases: Phases;
  /** Percent of one core during the measured join (click to last first frame). */
  toolCpu: number;
  janusCpu: number | null;
  appCpu: number;
}

interface Backend {
  app: AppProcess;
  cookie: string;
  janusPid: () => number | undefined;
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
function median(values: number[]): number {
  const s = sorted(values);
  const mid = s.length / 2;
  return s.length % 2 ? (s[Math.floor(mid)] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}
/** Nearest rank: p95 of 5 values is the 5th. */
function percentile(values: number[], p: number): number {
  const s = sorted(values);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}
const mean = (values: number[]) =>
  values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : NaN;
const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const round1 = (n: number) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : null);
const round2 = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : null);

/** N-1 synthetic members in a fresh room, then the measured page joins: its click -> frames. */
async function measureJoin(
  browser: Browser,
  media: Media,
  backend: Backend,
  workers: SyntheticWorkers,
  size: number,
  options: JoinSyntheticOptions,
): Promise<Sample> {
  const token = await quickConference(backend.app.url, backend.cookie, `Join bench of ${size}`);
  const joinUrl = `${backend.app.url}/m/${token}`;
  let context: BrowserContext | null = null;
  try {
    let next = 1;
    const lane = async () => {
      while (next < size) {
        const name = `Synthetic ${String(next++).padStart(3, '0')}`;
        // In a mesh, a lone member has no connection until someone else comes.
        const waitForMedia = media === 'janus' || size > 2;
        const joined = await workers.join(
          { joinUrl, name, subscribe: options.subscribe },
          waitForMedia,
        );
        if (waitForMedia && !joined.mediaUp) throw new Error(`${name}'s media was not up in time`);
      }
    };
    await Promise.all(Array.from({ length: JOIN_CONCURRENCY }, lane));
    await new Promise((resolve) => setTimeout(resolve, options.settleSeconds * 1000));

    const joining = await inLobby(
      browser,
      `${joinUrl}?username=${encodeURIComponent(`Guest ${size}`)}`,
      STEP_TIMEOUT_MS,
    );
    context = joining.context;
    const janusPid = backend.janusPid();
    const cpu = startCpuMeter({
      tool: workers.pids(),
      janus: janusPid ? [janusPid] : [],
      app: [backend.app.pid, ...descendants(backend.app.pid)],
    });
    await joining.page.click(JOIN);
    await showsCameras(joining.page, size - 1, STEP_TIMEOUT_MS);
    const used = cpu();
    const timeline = await joining.page.evaluate(() => window.__joinProbe?.timeline());
    if (!timeline?.clickAt) throw new Error('the page saw no click on Join');
    const phases = phasesOf(timeline, size - 1);
    if (phases.total === null) throw new Error('no first frame time from every camera');
    return {
      totalMs: phases.total,
      phases,
      toolCpu: used.tool,
      janusCpu: janusPid ? used.janus : null,
      appCpu: used.app,
    };
  } finally {
    await context?.close();
    await workers.leaveAll();
  }
}

function printResults(
  options: JoinSyntheticOptions,
  samples: Map<string, Sample[]>,
  failures: string[],
): Record<string, unknown> {
  const key = (media: Media, size: number) => `${media} ${size}`;
  const totals = (media: Media, size: number) =>
    (samples.get(key(media, size)) ?? []).map((s) => s.totalMs);
  const rows: string[][] = [];
  const summary: Record<string, unknown[]> = {};
  for (const media of options.media) {
    const floor = median(totals(media, 2));
    const floorP95 = percentile(totals(media, 2), 95);
    summary[media] = [];
    for (const size of options.sizes[media]) {
      const list = samples.get(key(media, size)) ?? [];
      const values = list.map((s) => s.totalMs);
      const p50 = median(values);
      const ratio = p50 / floor;
      const met = ratio <= GOAL;
      const janus = list.map((s) => s.janusCpu).filter((n): n is number => n !== null);
      rows.push([
        String(size),
        media,
        String(values.length),
        fixed(p50, 0),
        fixed(percentile(values, 95), 0),
        fixed(ratio, 2),
        fixed(percentile(values, 95) / floorP95, 2),
        Number.isFinite(ratio) ? `<= ${GOAL}x ${met ? 'met' : 'MISSED'}` : '-',
        fixed(mean(list.map((s) => s.toolCpu)), 0),
        media === 'janus' ? fixed(mean(janus), 0) : '-',
        fixed(mean(list.map((s) => s.appCpu)), 0),
      ]);
      summary[media]?.push({
        size,
        samples: values.length,
        p50: round1(p50),
        p95: round1(percentile(values, 95)),
        ratio: round2(ratio),
        met: Number.isFinite(ratio) ? met : null,
        toolCpu: round1(mean(list.map((s) => s.toolCpu))),
        janusCpu: media === 'janus' ? round1(mean(janus)) : null,
        appCpu: round1(mean(list.map((s) => s.appCpu))),
      });
    }
  }
  console.log(
    '\nClick on Join -> first frame of every other camera (ms, on the joining page; the others ' +
      `are synthetic members subscribing ${options.subscribe}). floor = the N = 2 p50 of the ` +
      'same backend; ratio = p50 / floor, p95 ratio = p95 / floor p95. CPU: percent of one ' +
      'core during the join (the load tool: all its worker processes; app: the Node server).',
  );
  console.log(
    table(
      [
        'N',
        'backend',
        'n',
        'p50',
        'p95',
        'ratio',
        'p95 ratio',
        'goal',
        'tool %',
        'Janus %',
        'app %',
      ],
      rows,
    ),
  );
  // Where the joiner's time goes: the WebRTC steps of the probe, p50 of each size.
  const steps = PHASES.filter(({ key }) =>
    ['welcome', 'offer', 'remoteOffer', 'connected', 'track', 'received', 'total'].includes(key),
  );
  const columns = options.media.flatMap((media) =>
    options.sizes[media].map((size) => ({ media, size })),
  );
  console.log('\nJoiner phases: ms after the click, p50 (-: none seen)');
  console.log(
    table(
      ['step', ...columns.map(({ media, size }) => `${media} ${size}`)],
      steps.map(({ key, label }) => [
        label,
        ...columns.map(({ media, size }) => {
          const values = (samples.get(`${media} ${size}`) ?? [])
            .map((s) => s.phases[key])
            .filter((v): v is number => v !== null);
          return values.length ? fixed(median(values), 0) : '-';
        }),
      ]),
    ),
  );
  if (failures.length > 0) {
    console.log(`\n! ${failures.length} failed round(s), not counted:`);
    for (const failure of failures) console.log(`  ${failure}`);
  }
  return summary;
}

export async function joinSyntheticBench(options: JoinSyntheticOptions): Promise<void> {
  checkBuild(options.root);
  const started = performance.now();
  const loadBefore = os.loadavg();
  console.log(`uptime at the start: ${uptimeLine()}`);
  const backends: Partial<Record<Media, Backend>> = {};
  let janus: JanusApp | null = null;
  let p2pApp: AppProcess | null = null;
  let browser: Browser | null = null;
  const workers = new SyntheticWorkers(options.workers);
  const samples = new Map<string, Sample[]>();
  const failures: string[] = [];
  try {
    if (options.media.includes('p2p')) {
      p2pApp = await startApp(options.root);
      backends.p2p = { app: p2pApp, cookie: '', janusPid: () => undefined };
      backends.p2p.cookie = await adminCookie(p2pApp.url);
    }
    if (options.media.includes('janus')) {
      janus = await startJanusApp(options.root);
      backends.janus = { app: janus.app, cookie: '', janusPid: janus.janusPid };
      backends.janus.cookie = await adminCookie(janus.app.url);
    }
    browser = await chromium.launch({ ...chromiumLaunch, headless: true });
    const cases = options.media.flatMap((media) =>
      options.sizes[media].map((size) => ({ media, size })),
    );
    const run = async (media: Media, size: number, keep: boolean) => {
      const name = `${media} ${size}`;
      try {
        const sample = await measureJoin(
          browser as Browser,
          media,
          backends[media] as Backend,
          workers,
          size,
          options,
        );
        if (keep) samples.set(name, [...(samples.get(name) ?? []), sample]);
      } catch (error) {
        failures.push(`${name}${keep ? '' : ' (warm-up)'}: ${String(error).split('\n')[0]}`);
      }
    };
    // Warm-up: the servers' JIT, Chromium's media stack, Janus's first room, the workers.
    process.stderr.write('warm-up');
    for (const media of options.media) await run(media, 2, false);
    process.stderr.write(`, ${options.rounds} rounds:`);
    let rounds = 0;
    while (rounds < options.rounds && performance.now() - started < options.budgetMs) {
      // Rotated, so slow drift in the machine's load hits every size alike.
      for (let k = 0; k < cases.length; k += 1) {
        const { media, size } = cases[(rounds + k) % cases.length] as (typeof cases)[number];
        await run(media, size, true);
      }
      rounds += 1;
      process.stderr.write(` ${rounds}`);
    }
    process.stderr.write('\n');

    const { cpu, cores, loadAfter, line } = machineReport(loadBefore);
    console.log(line);
    console.log(`uptime at the end: ${uptimeLine()}`);
    const stopped =
      rounds < options.rounds ? `stopped by the time budget, ${options.rounds} asked` : 'as asked';
    console.log(
      `Browser: Chromium ${browser.version()} headless (fake camera), one context per round. ` +
        `Synthetic members: tools/load (werift) in ${options.workers} worker process(es), ` +
        `publishing camera (${options.media.includes('janus') ? 'simulcast on Janus, ' : ''}one ` +
        `layer in p2p) and microphone, subscribing ${options.subscribe}. App: node ` +
        'dist/server/main.js (NODE_ENV=production, SQLite), one per backend' +
        (janus ? `; Janus ${janus.janusVersion} on loopback.` : '.') +
        ` Run: ${rounds} rounds of each size (${stopped}) after a warm-up at N = 2; ` +
        `${((performance.now() - started) / 1000).toFixed(0)} s in all.`,
    );
    const summary = printResults(options, samples, failures);
    console.log(
      `\n${JSON.stringify({
        bench: 'join-synthetic',
        machine: {
          cpu,
          cores,
          node: process.version,
          loadavg: { before: loadBefore.map(round1), after: loadAfter.map(round1) },
        },
        chromium: browser.version(),
        ...(janus ? { janusVersion: janus.janusVersion } : {}),
        subscribe: options.subscribe,
        workers: options.workers,
        rounds,
        goal: GOAL,
        ...summary,
        failures: failures.length,
      })}`,
    );
    if (cases.some(({ media, size }) => !samples.get(`${media} ${size}`)?.length)) {
      process.exitCode = 1;
    }
  } finally {
    await browser?.close();
    await workers.stop();
    await p2pApp?.stop();
    await janus?.stop();
  }
}
