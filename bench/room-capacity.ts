/**
 * Room capacity benchmark: how many participants one Janus serves on this machine, with two
 * real Chromium pages as the observers who say whether the room still looks right.
 *
 *   npm run build && npm run bench:capacity [-- --sizes 8,16,25,50,100 --modes all,observers
 *       --seconds 10 --settle-seconds 5 --workers 2 --keep-going]
 *
 * One Janus (Debian's `janus` on loopback, started here: bench/support/sfu-janus.ts) and the
 * built app (`node dist/server/main.js`, MEDIA=janus, JANUS_ROOM_CAP above the largest size)
 * in child processes. For each mode and each size N, a fresh quick conference: the two
 * observers join first (headless Chromium, each in its own context, camera off and muted, so
 * that their CPU goes to receiving), then N-2 synthetic participants (tools/load/synthetic.ts
 * in --workers child processes), each publishing its camera in three simulcast layers and its
 * microphone; the last one joins alone and is timed. Two modes:
 * - `all`: every synthetic participant subscribes to every stream, as browsers do (their
 *   thumbnails on the low layer, the latest one to join large);
 * - `observers`: only the two observers subscribe; the synthetic ones publish only.
 * Every participant's default main video is the last one to join, so that one camera goes out
 * in its full layer and every other in the low one (the thumbnails).
 *
 * Once both observers decode every camera (or --size-minutes ran out) and --settle-seconds have
 * passed, a window of --seconds is measured:
 * - CPU (utime + stime from /proc, percent of one core) of Janus, of the app, of the load
 *   tool's worker processes (reported apart, so the Janus figure is its own), of Chromium, and
 *   the machine's busy share; Janus's threads by name (as `top -H` shows them);
 * - packets delivered per second: every packet the observers' `inbound-rtp` streams and the
 *   synthetic subscribers received (what Janus forwarded, less what was lost);
 * - on each observer (getStats): frames decoded per second of the main video and of each
 *   thumbnail, `freezeCount`, and packet loss over every incoming stream;
 * - the last participant's join: lobby request -> room welcome, -> its media up, -> a first
 *   decoded frame of its camera on both observers.
 * A size passes when, on the worse observer, the thumbnails decode >= 14 frames a second on
 * average (the low layer is sent at 15), the main video >= 24 (sent at 30) and loss is under
 * 1%. The sizes of a mode stop at the first that fails (--keep-going measures them all); the
 * output names the largest that passed. Goals (from the issue), on a 2-core machine: >= 25
 * when everyone subscribes, >= 100 publishers with two observers.
 *
 * A benchmark, not a test: it never gates CI; it exits non-zero only when nothing was measured.
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumLaunch } from '../test/support/chromium.js';
import { adminCookie, checkBuild, quickConference } from './support/app-process.js';
import type { InboundStream } from './support/join-probe.js';
import { inLobby, JOIN } from './support/join-round.js';
import { machineReport, uptimeLine } from './support/machine.js';
import { cpuWindow, descendants, startThreadMeter } from './support/sfu-cpu.js';
import { startJanusApp, type JanusApp } from './support/sfu-janus.js';
import { SyntheticWorkers } from './support/synthetic-workers.js';
import { table } from './support/table.js';
import type { SyntheticStats } from '../tools/load/synthetic.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '8,16,25,50,100' },
    modes: { type: 'string', default: 'all,observers' },
    seconds: { type: 'string', default: '10' },
    'settle-seconds': { type: 'string', default: '5' },
    'size-minutes': { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    'keep-going': { type: 'boolean', default: false },
    root: { type: 'string' },
  },
});
const SIZES = args.sizes.split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 3) throw new Error(`--sizes takes integers >= 3, not ${s}`);
  return n;
});
type Mode = 'all' | 'observers';
const MODES = args.modes.split(',').map((m): Mode => {
  if (m === 'all' || m === 'observers') return m;
  throw new Error(`--modes takes all and observers, not ${m}`);
});
const WINDOW_S = Number(args.seconds);
if (!(WINDOW_S > 0)) throw new Error('--seconds must be > 0');
const SETTLE_S = Number(args['settle-seconds']);
if (!(SETTLE_S >= 0)) throw new Error('--settle-seconds must be >= 0');
const SIZE_MS = Number(args['size-minutes']) * 60_000;
if (!(SIZE_MS > 0)) throw new Error('--size-minutes must be > 0');
const WORKERS = Number(args.workers);
if (!Number.isInteger(WORKERS) || WORKERS < 1) throw new Error('--workers: an integer >= 1');
const ROOT = path.resolve(
  args.root ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
);

const OBSERVERS = 2;
const GOALS = { thumbnailFps: 14, mainFps: 24, lossPercent: 1 };
/** Synthetic participants joining at once, as a crowd arrives (the load tool's own figure). */
const JOIN_CONCURRENCY = 4;
const STEP_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);
const mean = (values: number[]) => (values.length ? sum(values) / values.length : NaN);
const fixed = (n: number | null | undefined, digits: number) =>
  n === null || n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits);
const round1 = (n: number | null) =>
  n === null || !Number.isFinite(n) ? null : Math.round(n * 10) / 10;

interface Observer {
  context: BrowserContext;
  page: Page;
}

type Inbound = { at: number; streams: InboundStream[] };

async function inbound(page: Page): Promise<Inbound> {
  const read = await page.evaluate(() => window.__joinProbe?.inbound());
  if (!read) throw new Error('the observer page has no probe');
  return read;
}

/** An observer in the room: through the lobby with the camera off and muted. */
async function joinObserver(browser: Browser, lobbyUrl: string): Promise<Observer> {
  const { context, page } = await inLobby(browser, lobbyUrl, STEP_TIMEOUT_MS);
  try {
    await page.check('[data-testid="lobby-camera-off"]');
    await page.check('[data-testid="lobby-muted"]');
    await page.click(JOIN);
    await page.waitForSelector('[data-testid="room"][data-status="connected"]');
    return { context, page };
  } catch (error) {
    await context.close();
    throw error;
  }
}

/** Camera streams of `peerIds` each observer decodes a frame of now (fewest of the observers). */
async function camerasDecoded(observers: Observer[], peerIds: Set<string>): Promise<number> {
  const counts = await Promise.all(
    observers.map(async ({ page }) => {
      const { streams } = await inbound(page);
      const seen = new Set(
        streams
          .filter((s) => s.slot === 'camera' && s.peerId && peerIds.has(s.peerId))
          .filter((s) => s.framesDecoded > 0)
          .map((s) => s.peerId),
      );
      return seen.size;
    }),
  );
  return Math.min(...counts);
}

interface ObserverWindow {
  mainFps: number;
  thumbnailFps: number;
  thumbnailMinFps: number;
  thumbnails: number;
  freezes: number;
  lossPercent: number;
  packetsPerSecond: number;
}

/** What one observer decoded and lost between two reads of its incoming streams. */
function observerWindow(
  before: Inbound,
  after: Inbound,
  mainPeerId: string | null,
): ObserverWindow {
  const seconds = (after.at - before.at) / 1000;
  const earlier = new Map(before.streams.map((s) => [`${s.kind} ${s.mid}`, s]));
  let received = 0;
  let lost = 0;
  let freezes = 0;
  let mainFps = 0;
  const thumbnails: number[] = [];
  for (const now of after.streams) {
    const then = earlier.get(`${now.kind} ${now.mid}`);
    if (!then) continue;
    received += now.packetsReceived - then.packetsReceived;
    lost += Math.max(0, now.packetsLost - then.packetsLost);
    if (now.kind !== 'video' || now.slot !== 'camera') continue;
    freezes += now.freezeCount - then.freezeCount;
    const fps = (now.framesDecoded - then.framesDecoded) / seconds;
    if (now.peerId !== null && now.peerId === mainPeerId) mainFps = Math.max(mainFps, fps);
    else thumbnails.push(fps);
  }
  return {
    mainFps,
    thumbnailFps: mean(thumbnails),
    thumbnailMinFps: thumbnails.length ? Math.min(...thumbnails) : NaN,
    thumbnails: thumbnails.length,
    freezes,
    lossPercent: received + lost > 0 ? (lost / (received + lost)) * 100 : 0,
    packetsPerSecond: received / seconds,
  };
}

interface SizeResult {
  mode: Mode;
  size: number;
  /** Synthetic participants in the room (N - 2 when all joined). */
  synthetic: number;
  /** Why the room is not as asked, or a camera was never decoded in time; null if all went well. */
  shortBy: string | null;
  cpu: { janus: number; app: number; tool: number; chromium: number; machineBusy: number } | null;
  janusThreads: { name: string; threads: number; percent: number }[];
  /** Packets delivered per second: to the observers and to the synthetic subscribers. */
  deliveredPerSecond: number;
  toolLossPercent: number;
  /** The worse observer's figure of each. */
  worst: ObserverWindow | null;
  lastJoin: { welcomeMs: number; mediaMs: number | null; seenMs: number | null } | null;
  passed: boolean;
  load1: number;
}

/** The synthetic subscribers' received packets and losses, added up. */
function synthReceived(stats: SyntheticStats[]): { packets: number; lost: number } {
  return {
    packets: sum(stats.map((s) => s.received.packets)),
    lost: sum(stats.map((s) => s.received.lost)),
  };
}

async function measureSize(
  browser: Browser,
  janus: JanusApp,
  cookie: string,
  workers: SyntheticWorkers,
  mode: Mode,
  size: number,
  ours: () => number[],
): Promise<SizeResult> {
  const deadline = Date.now() + SIZE_MS;
  const appUrl = janus.app.url;
  const token = await quickConference(appUrl, cookie, `Capacity ${mode} ${size}`);
  const joinUrl = `${appUrl}/m/${token}`;
  const observers: Observer[] = [];
  const peerIds = new Set<string>();
  let shortBy: string | null = null;
  try {
    for (let i = 1; i <= OBSERVERS; i += 1) {
      const name = encodeURIComponent(`Observer ${i}`);
      observers.push(await joinObserver(browser, `${joinUrl}?username=${name}`));
    }
    const subscribe = mode === 'all' ? 'all' : 'none';
    const synthetic = size - OBSERVERS;
    const name = (i: number) => `Synthetic ${String(i).padStart(3, '0')}`;
    let next = 1;
    const lane = async () => {
      while (next < synthetic && Date.now() < deadline) {
        const joined = await workers.join({ joinUrl, name: name(next++), subscribe });
        peerIds.add(joined.peerId);
        if (!joined.mediaUp) shortBy ??= `${joined.name}'s media was not up in time`;
      }
    };
    await Promise.all(Array.from({ length: JOIN_CONCURRENCY }, lane));
    // The last one alone, timed until both observers show its camera.
    let lastJoin: SizeResult['lastJoin'] = null;
    if (Date.now() < deadline) {
      const startedAt = performance.now();
      const last = await workers.join({ joinUrl, name: name(synthetic), subscribe });
      peerIds.add(last.peerId);
      let seenMs: number | null = null;
      while (seenMs === null && Date.now() < deadline) {
        if ((await camerasDecoded(observers, new Set([last.peerId]))) === 1) {
          seenMs = performance.now() - startedAt;
        } else await sleep(POLL_MS);
      }
      const stats = (await workers.stats()).find((s) => s.peerId === last.peerId);
      lastJoin = { welcomeMs: stats?.joinMs ?? NaN, mediaMs: stats?.mediaMs ?? null, seenMs };
    }
    if (peerIds.size < synthetic) shortBy ??= `only ${peerIds.size} of ${synthetic} joined in time`;
    // Every camera decoding on both observers before the window, or as many as in time.
    let decoded = 0;
    while (Date.now() < deadline) {
      decoded = await camerasDecoded(observers, peerIds);
      if (decoded >= peerIds.size) break;
      await sleep(500);
    }
    if (decoded < peerIds.size) {
      shortBy ??= `the observers decoded ${decoded} of ${peerIds.size} cameras in time`;
    }
    await sleep(SETTLE_S * 1000);

    const janusPid = janus.janusPid();
    const notChromium = new Set([...ours(), ...workers.pids()]);
    const threads = janusPid ? startThreadMeter(janusPid) : () => [];
    const before = await Promise.all(observers.map(({ page }) => inbound(page)));
    const synthBefore = synthReceived(await workers.stats());
    const cpu = await cpuWindow(
      {
        janus: janusPid ? [janusPid] : [],
        app: [janus.app.pid],
        tool: workers.pids(),
        chromium: descendants(process.pid).filter((pid) => !notChromium.has(pid)),
      },
      WINDOW_S,
    );
    const after = await Promise.all(observers.map(({ page }) => inbound(page)));
    const synthAfter = synthReceived(await workers.stats());
    const janusThreads = threads();
    const windows = await Promise.all(
      observers.map(async ({ page }, i) => {
        const main = await page
          .locator('[data-testid="main-video"]')
          .getAttribute('data-peer-id', { timeout: 5000 })
          .catch(() => null);
        return observerWindow(before[i] as Inbound, after[i] as Inbound, main);
      }),
    );
    const worst: ObserverWindow = {
      mainFps: Math.min(...windows.map((w) => w.mainFps)),
      thumbnailFps: Math.min(...windows.map((w) => w.thumbnailFps)),
      thumbnailMinFps: Math.min(...windows.map((w) => w.thumbnailMinFps)),
      thumbnails: Math.min(...windows.map((w) => w.thumbnails)),
      freezes: Math.max(...windows.map((w) => w.freezes)),
      lossPercent: Math.max(...windows.map((w) => w.lossPercent)),
      packetsPerSecond: sum(windows.map((w) => w.packetsPerSecond)),
    };
    const synthPackets = synthAfter.packets - synthBefore.packets;
    const synthLost = synthAfter.lost - synthBefore.lost;
    const passed =
      shortBy === null &&
      worst.thumbnailFps >= GOALS.thumbnailFps &&
      worst.mainFps >= GOALS.mainFps &&
      worst.lossPercent < GOALS.lossPercent;
    return {
      mode,
      size,
      synthetic: peerIds.size,
      shortBy,
      cpu: { ...cpu.groups, machineBusy: cpu.machineBusy },
      janusThreads,
      deliveredPerSecond: worst.packetsPerSecond + synthPackets / cpu.seconds,
      toolLossPercent:
        synthPackets + synthLost > 0 ? (synthLost / (synthPackets + synthLost)) * 100 : 0,
      worst,
      lastJoin,
      passed,
      load1: os.loadavg()[0] ?? NaN,
    };
  } finally {
    for (const observer of observers) await observer.context.close().catch(() => undefined);
    await workers.leaveAll();
  }
}

function printResults(results: SizeResult[], cores: number): void {
  console.log(
    `\nPer room, ${WINDOW_S} s window (CPU: percent of one core, up to ${cores * 100}% here; ` +
      "tool: the load tool's worker processes; fps and loss: the worse of the two observers; " +
      'thumbs: mean fps of the thumbnails (min: the slowest one); pkt/s: packets delivered to ' +
      'every subscriber; last join ms: lobby -> welcome / -> media up / -> seen by both observers)',
  );
  console.log(
    table(
      [
        'N',
        'mode',
        'Janus %',
        'app %',
        'tool %',
        'Chromium %',
        'busy %',
        'load 1m',
        'pkt/s',
        'thumbs fps (min)',
        'main fps',
        'freezes',
        'loss %',
        'tool loss %',
        'last join ms',
        'goals',
      ],
      results.map((r) => [
        String(r.size),
        r.mode,
        fixed(r.cpu?.janus, 0),
        fixed(r.cpu?.app, 0),
        fixed(r.cpu?.tool, 0),
        fixed(r.cpu?.chromium, 0),
        fixed(r.cpu?.machineBusy, 0),
        fixed(r.load1, 1),
        fixed(r.deliveredPerSecond, 0),
        r.worst ? `${fixed(r.worst.thumbnailFps, 1)} (${fixed(r.worst.thumbnailMinFps, 1)})` : '-',
        fixed(r.worst?.mainFps, 1),
        fixed(r.worst?.freezes, 0),
        fixed(r.worst?.lossPercent, 2),
        r.mode === 'all' ? fixed(r.toolLossPercent, 1) : '-',
        r.lastJoin
          ? [r.lastJoin.welcomeMs, r.lastJoin.mediaMs, r.lastJoin.seenMs]
              .map((n) => fixed(n, 0))
              .join(' / ')
          : '-',
        r.passed ? 'met' : 'MISSED',
      ]),
    ),
  );
  for (const r of results) {
    if (r.shortBy) console.log(`! ${r.mode} ${r.size}: ${r.shortBy}`);
  }
  console.log('\nJanus threads (by name, digits as #; percent of one core over the window):');
  for (const r of results) {
    const top = r.janusThreads
      .filter((t) => t.percent >= 0.5)
      .slice(0, 6)
      .map((t) => `${t.name}${t.threads > 1 ? ` x${t.threads}` : ''} ${t.percent.toFixed(0)}%`);
    console.log(`  ${r.mode} ${r.size}: ${top.join(', ') || '-'}`);
  }
  for (const mode of MODES) {
    const measured = results.filter((r) => r.mode === mode);
    if (measured.length === 0) continue;
    const largest = measured.filter((r) => r.passed).at(-1)?.size;
    const goal = mode === 'all' ? 25 : 100;
    console.log(
      `Largest ${mode} room meeting thumbnails >= ${GOALS.thumbnailFps} fps, main >= ` +
        `${GOALS.mainFps} fps, loss < ${GOALS.lossPercent}%: ${largest ?? 'none'} ` +
        `(goal >= ${goal}: ${largest !== undefined && largest >= goal ? 'met' : 'MISSED'}).`,
    );
  }
}

async function main(): Promise<void> {
  checkBuild(ROOT);
  const loadBefore = os.loadavg();
  const startedAt = Date.now();
  console.log(`uptime at the start: ${uptimeLine()}`);
  const roomCap = Math.max(...SIZES) + 10;
  const janus = await startJanusApp(ROOT, { JANUS_ROOM_CAP: String(roomCap) });
  const workers = new SyntheticWorkers(WORKERS);
  let browser: Browser | null = null;
  const results: SizeResult[] = [];
  try {
    const cookie = await adminCookie(janus.app.url);
    const ours = () =>
      [janus.app.pid, janus.janusPid()]
        .filter((pid): pid is number => pid !== undefined)
        .flatMap((pid) => [pid, ...descendants(pid)]);
    browser = await chromium.launch({ ...chromiumLaunch, headless: true });
    for (const mode of MODES) {
      for (const size of [...SIZES].sort((a, b) => a - b)) {
        process.stderr.write(`${mode} room of ${size}... `);
        try {
          const result = await measureSize(browser, janus, cookie, workers, mode, size, ours);
          results.push(result);
          process.stderr.write(`${result.passed ? 'met' : 'missed'}\n`);
          if (!result.passed && !args['keep-going']) break;
        } catch (error) {
          process.stderr.write(`failed: ${String(error).split('\n')[0] ?? ''}\n`);
          if (!args['keep-going']) break;
        }
      }
    }
    const { cpu, cores, loadAfter, line } = machineReport(loadBefore);
    console.log(`${line}; ${((Date.now() - startedAt) / 1000).toFixed(0)} s in all.`);
    console.log(`uptime at the end: ${uptimeLine()}`);
    console.log(
      `Janus ${janus.janusVersion} on loopback (JANUS_ROOM_CAP=${roomCap}); app: node ` +
        'dist/server/main.js (NODE_ENV=production, SQLite); observers: Chromium ' +
        `${browser.version()} headless, camera off and muted; synthetic participants: ` +
        `tools/load (werift) in ${WORKERS} worker process(es), VP8 simulcast 1280x720/640x360 ` +
        `at 30 fps, 320x180 at 15, and Opus. Window ${WINDOW_S} s after ${SETTLE_S} s of ` +
        'settling once both observers decoded every camera.',
    );
    printResults(results, cores);
    console.log(
      `\n${JSON.stringify({
        bench: 'capacity',
        machine: { cpu, cores, node: process.version, loadavg: loadAfter.map(round1) },
        chromium: browser.version(),
        janusVersion: janus.janusVersion,
        workers: WORKERS,
        windowSeconds: WINDOW_S,
        goals: GOALS,
        rooms: results.map((r) => ({
          mode: r.mode,
          size: r.size,
          synthetic: r.synthetic,
          shortBy: r.shortBy,
          passed: r.passed,
          cpu: r.cpu && {
            janus: round1(r.cpu.janus),
            app: round1(r.cpu.app),
            tool: round1(r.cpu.tool),
            chromium: round1(r.cpu.chromium),
            machineBusy: round1(r.cpu.machineBusy),
          },
          load1: round1(r.load1),
          deliveredPerSecond: Math.round(r.deliveredPerSecond),
          toolLossPercent: round1(r.toolLossPercent),
          observers: r.worst && {
            thumbnailFps: round1(r.worst.thumbnailFps),
            thumbnailMinFps: round1(r.worst.thumbnailMinFps),
            thumbnails: r.worst.thumbnails,
            mainFps: round1(r.worst.mainFps),
            freezes: r.worst.freezes,
            lossPercent: round1(r.worst.lossPercent),
          },
          lastJoin: r.lastJoin && {
            welcomeMs: round1(r.lastJoin.welcomeMs),
            mediaMs: round1(r.lastJoin.mediaMs),
            seenMs: round1(r.lastJoin.seenMs),
          },
          janusThreads: r.janusThreads
            .slice(0, 6)
            .map((t) => ({ ...t, percent: round1(t.percent) })),
        })),
      })}`,
    );
    if (results.length === 0) process.exitCode = 1;
  } finally {
    await browser?.close();
    await workers.stop();
    await janus.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
