/**
 * Lobby benchmark: what a guest opening a join link downloads, and how soon the Join button
 * works, in Chromium on loopback.
 *
 *   npx tsx bench/lobby.ts [--loads 20] [--root DIR]
 *
 * --root runs the build in DIR/dist instead of this checkout's (a copy with another build, to
 * compare two; DIR needs node_modules).
 *
 * The built app (`node dist/server/main.js`, as `npm start` runs it: NODE_ENV=production, a
 * fresh SQLite data folder, ADMIN_EMAIL/ADMIN_PASSWORD) runs in a child process on a free
 * loopback port. The admin logs in through the API and starts a quick conference
 * (`POST /api/meetings/quick`), so its lobby is open; its join token comes from `joinUrl`.
 *
 * 1. Bytes: a guest (fresh browser context, no cookie) opens `/m/<token>`; every JS and CSS
 *    response until the Join button is enabled is recorded. Each file is fetched again with
 *    `Accept-Encoding: identity` and compressed here (gzip level 9, brotli quality 11) to show
 *    what it would weigh compressed; beside that, what the server actually sent (its
 *    Content-Encoding and the body bytes Chromium received).
 * 2. Time to an interactive Join: --loads loads, each in a fresh browser context (cold cache,
 *    as a guest opening an invitation), timed in the page: `performance.now()` (relative to
 *    the navigation start) when `[data-testid="lobby-join"]` is in the DOM, enabled and
 *    visible, caught by a MutationObserver installed before any page script runs. The same
 *    measurement on a bare static page with one enabled button, served by a bare `node:http`
 *    server, gives the floor of browser + loopback. Loads alternate bare/lobby (ABBA...) after
 *    one unmeasured warm-up load of each. Beside the wall-clock phases, the renderer's
 *    main-thread CPU time up to the button (CDP Performance metrics in thread ticks): on a
 *    busy machine (see the load average printed) wall-clock times grow, CPU time much less.
 *
 * A benchmark, not a test: it prints numbers and never gates CI. It exits non-zero only when
 * something failed outright (the app did not start, the button never became enabled).
 * Goals (from the issue): at most 150 KB of compressed JavaScript for the lobby (the room's
 * code loads after Join); Join interactive in under 500 ms on loopback. KB here = 1000 bytes,
 * as in Vite's build output.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { chromium, type Browser, type Response } from 'playwright-core';
import { adminCookie, checkBuild, quickConference, startApp } from './support/app-process.js';
import { table } from './support/table.js';
import { chromiumLaunch } from '../test/support/chromium.js';
import { machineReport } from './support/machine.js';

const { values: args } = parseArgs({
  options: {
    loads: { type: 'string', default: '20' },
    root: { type: 'string' },
  },
});

const LOADS = Number(args.loads);
if (!Number.isInteger(LOADS) || LOADS < 1) {
  throw new Error(`--loads must be an integer >= 1, got ${args.loads}`);
}

const ROOT = path.resolve(
  args.root ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
);
const JS_GOAL_BYTES = 150_000;
const READY_GOAL_MS = 500;
const READY_TIMEOUT_MS = 30_000;
const JOIN_SELECTOR = '[data-testid="lobby-join"]';

// ---- in-page measurement ----------------------------------------------------------------------

/**
 * Runs in every page before its own scripts (a string, so no bundler helper leaks into it).
 * Records `performance.now()` the first time the Join button is enabled and visible: a
 * MutationObserver sees React's commit as it happens; an animation-frame loop catches a
 * button made visible by a stylesheet rather than a DOM change. Then it notes the phases.
 */
const READY_SCRIPT = `(() => {
  const w = window;
  const check = () => {
    if (w.__benchReady !== undefined) return true;
    const button = document.querySelector(${JSON.stringify(JOIN_SELECTOR)});
    if (!button || button.disabled || !button.checkVisibility()) return false;
    const at = performance.now();
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const lastEnd = (pick) =>
      resources.filter((r) => pick(r.name) && r.responseEnd <= at)
        .reduce((max, r) => Math.max(max, r.responseEnd), 0);
    w.__benchReady = {
      ready: at,
      html: nav ? nav.responseEnd : 0,
      domContentLoaded: nav ? nav.domContentLoadedEventEnd : 0,
      assets: lastEnd((name) => /\\.(js|css)(\\?|$)/.test(new URL(name).pathname)),
      api: lastEnd((name) => new URL(name).pathname.startsWith('/api/')),
      apiCalls: resources.filter((r) => new URL(r.name).pathname.startsWith('/api/')).length,
    };
    return true;
  };
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'],
  });
  const frame = () => { if (check()) observer.disconnect(); else requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();`;

/** Milliseconds from the navigation start (the page's performance.timeOrigin). */
interface Phases {
  ready: number;
  html: number;
  domContentLoaded: number;
  assets: number;
  api: number;
  apiCalls: number;
}

interface Load {
  phases: Phases;
  /** From before `page.goto` to the ready flag read over CDP, measured in this process. */
  outside: number;
  /**
   * Main-thread CPU time of the page's renderer (CDP Performance metrics, thread ticks), read
   * just after the button was found: all tasks, and script compile + run. CPU time, unlike the
   * wall-clock figures, barely grows when other processes compete for the cores.
   */
  cpu: { task: number; script: number };
}

async function loadOnce(browser: Browser, url: string, onResponse?: (r: Response) => void) {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ content: READY_SCRIPT });
    const page = await context.newPage();
    if (onResponse) page.on('response', onResponse);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const started = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    // A function, not a string: the app's CSP forbids eval. (Init scripts are not subject to it.)
    const handle = await page.waitForFunction(
      () => (window as unknown as { __benchReady?: Phases }).__benchReady,
      undefined,
      { polling: 'raf', timeout: READY_TIMEOUT_MS },
    );
    const outside = performance.now() - started;
    const phases = (await handle.jsonValue()) as Phases;
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
    const cpu = { task: metric('TaskDuration'), script: metric('ScriptDuration') };
    await cdp.detach();
    return { load: { phases, outside, cpu } satisfies Load, page, context };
  } catch (error) {
    await context.close();
    throw error;
  }
}

async function timedLoad(browser: Browser, url: string): Promise<Load> {
  const { load, context } = await loadOnce(browser, url);
  await context.close();
  return load;
}

// ---- the app and the bare server --------------------------------------------------------------

const BARE_PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="UTF-8" /><title>Bare</title></head>
  <body><button type="button" data-testid="lobby-join">Join</button></body>
</html>
`;

/** The floor: the least a Node server can do to hand Chromium a page with one button. */
function startBare(): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(BARE_PAGE),
      'cache-control': 'no-cache',
    });
    res.end(BARE_PAGE);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- bytes ------------------------------------------------------------------------------------

type Kind = 'js' | 'css';

interface Asset {
  url: string;
  kind: Kind;
  raw: number;
  gzip: number;
  brotli: number;
  /** Content-Encoding the server answered Chromium with ('identity' when none). */
  encoding: string;
  /** Body bytes Chromium received (after any Content-Encoding, before decoding). */
  wire: number;
  /** Loaded only after the Join button was enabled. */
  afterReady: boolean;
}

function kindOf(response: Response): Kind | null {
  const type = response.request().resourceType();
  const pathname = new URL(response.url()).pathname;
  const contentType = response.headers()['content-type'] ?? '';
  if (type === 'stylesheet' || pathname.endsWith('.css') || contentType.includes('text/css')) {
    return 'css';
  }
  if (type === 'script' || /\.m?js$/.test(pathname) || contentType.includes('javascript')) {
    return 'js';
  }
  return null;
}

function compressed(bytes: Buffer): { gzip: number; brotli: number } {
  return {
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

interface Bytes {
  assets: Asset[];
  document: { raw: number; wire: number; encoding: string };
  apiCalls: string[];
}

async function measureBytes(browser: Browser, lobbyUrl: string): Promise<Bytes> {
  const seen: { response: Response; afterReady: boolean }[] = [];
  let ready = false;
  const { page, context } = await loadOnce(browser, lobbyUrl, (response) => {
    seen.push({ response, afterReady: ready });
  });
  ready = true;
  try {
    // Whatever the page fetches right after (a prefetch of the room?) is listed apart.
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const assets: Asset[] = [];
    let document: Bytes['document'] | null = null;
    const apiCalls: string[] = [];
    for (const { response, afterReady } of seen) {
      const url = response.url();
      const pathname = new URL(url).pathname;
      if (pathname.startsWith('/api/')) {
        apiCalls.push(`${response.request().method()} ${pathname} ${response.status()}`);
      }
      const kind = kindOf(response);
      const isDocument = response.request().resourceType() === 'document';
      if (!kind && !isDocument) continue;
      const sizes = await response.request().sizes();
      const encoding = (await response.headerValue('content-encoding')) ?? 'identity';
      const served = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
      if (!served.ok) throw new Error(`${url}: ${served.status} when fetched again`);
      const bytes = Buffer.from(await served.arrayBuffer());
      if (isDocument) {
        document = { raw: bytes.length, wire: sizes.responseBodySize, encoding };
        continue;
      }
      if (kind === null) continue;
      assets.push({
        url: pathname,
        kind,
        raw: bytes.length,
        ...compressed(bytes),
        encoding,
        wire: sizes.responseBodySize,
        afterReady,
      });
    }
    if (!document) throw new Error('no document response recorded');
    return { assets, document, apiCalls };
  } finally {
    await context.close();
  }
}

// ---- statistics and printing ------------------------------------------------------------------

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: p90 of 20 values is the 18th.
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2
    ? (sorted[Math.floor(mid)] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

interface Stats {
  median: number;
  p90: number;
  min: number;
  max: number;
}

function stats(values: number[]): Stats {
  return {
    median: median(values),
    p90: percentile(values, 90),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const ms = (n: number) => n.toFixed(1);
const round1 = (n: number) => Math.round(n * 10) / 10;

interface Totals {
  files: number;
  raw: number;
  gzip: number;
  brotli: number;
  wire: number;
  encodings: string[];
}

function totals(assets: Asset[]): Totals {
  const sum = (pick: (a: Asset) => number) => assets.reduce((n, a) => n + pick(a), 0);
  return {
    files: assets.length,
    raw: sum((a) => a.raw),
    gzip: sum((a) => a.gzip),
    brotli: sum((a) => a.brotli),
    wire: sum((a) => a.wire),
    encodings: [...new Set(assets.map((a) => a.encoding))],
  };
}

function served(assets: Asset[]): 'compressed' | 'partly' | 'uncompressed' {
  const plain = assets.filter((a) => a.encoding === 'identity').length;
  return plain === 0 ? 'compressed' : plain === assets.length ? 'uncompressed' : 'partly';
}

function printBytes(bytes: Bytes, lobbyPath: string): { js: Totals; css: Totals } {
  const before = bytes.assets.filter((a) => !a.afterReady);
  const after = bytes.assets.filter((a) => a.afterReady);
  const js = totals(before.filter((a) => a.kind === 'js'));
  const css = totals(before.filter((a) => a.kind === 'css'));
  const row = (name: string, kind: string, t: Omit<Totals, 'files'>) => [
    name,
    kind,
    kb(t.raw),
    kb(t.gzip),
    kb(t.brotli),
    t.encodings.join(','),
    kb(t.wire),
  ];
  console.log(`\nBytes: JS and CSS a guest loads on ${lobbyPath} until Join is enabled`);
  console.log(
    table(
      ['file', 'type', 'raw', 'gzip -9', 'brotli 11', 'sent as', 'on the wire'],
      [
        ...[...before]
          .sort((a, b) => a.kind.localeCompare(b.kind) || b.raw - a.raw)
          .map((a) => row(a.url, a.kind, { ...a, encodings: [a.encoding] })),
        row(`total JS (${js.files} files)`, 'js', js),
        row(`total CSS (${css.files} files)`, 'css', css),
      ],
    ),
  );
  const doc = bytes.document;
  console.log(
    `Document ${lobbyPath}: ${kb(doc.raw)} raw, sent as ${doc.encoding}, ${kb(doc.wire)} on the wire`,
  );
  console.log(`API calls: ${bytes.apiCalls.join(', ') || 'none'}`);
  if (after.length > 0) {
    console.log(
      `Loaded after Join was enabled (not counted): ${after
        .map((a) => `${a.url} ${kb(a.raw)}`)
        .join(', ')}`,
    );
  }

  const met = js.gzip <= JS_GOAL_BYTES;
  console.log(
    `\nCompressed JS for the lobby: ${kb(js.gzip)} gzip, ${kb(js.brotli)} brotli ` +
      `(goal <= ${kb(JS_GOAL_BYTES)}, judged on gzip: ${met ? 'met' : 'MISSED'})`,
  );
  const wire = js.wire + css.wire;
  const uncompressed = before.filter((a) => a.encoding === 'identity');
  if (uncompressed.length === before.length) {
    console.log(
      `! Served uncompressed: ${kb(wire)} of JS+CSS on the wire (JS ${kb(js.wire)}); ` +
        `compressed would be ${kb(js.gzip + css.gzip)} gzip / ${kb(js.brotli + css.brotli)} ` +
        `brotli (JS ${kb(js.gzip)} / ${kb(js.brotli)}). ` +
        `As served today, JS on the wire ${js.wire <= JS_GOAL_BYTES ? 'meets' : 'MISSES'} the goal.`,
    );
  } else if (uncompressed.length > 0) {
    const left = uncompressed.reduce((n, a) => n + a.raw, 0);
    console.log(
      `! Partly compressed: ${uncompressed.length} of ${before.length} files (${kb(left)}) sent ` +
        `uncompressed (${uncompressed.map((a) => a.url).join(', ')}); ` +
        `${kb(wire)} JS+CSS on the wire (JS ${kb(js.wire)}).`,
    );
  } else {
    console.log(
      `Served compressed (${[...new Set([...js.encodings, ...css.encodings])].join(', ')}): ` +
        `${kb(wire)} JS+CSS on the wire (JS ${kb(js.wire)}).`,
    );
  }
  return { js, css };
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  checkBuild(ROOT);
  const loadBefore = os.loadavg();
  const app = await startApp(ROOT);
  let bare: http.Server | null = null;
  let browser: Browser | null = null;
  try {
    const token = await quickConference(app.url, await adminCookie(app.url), 'Bench lobby');
    bare = await startBare();
    const address = bare.address();
    if (!address || typeof address === 'string') throw new Error('bare server has no port');
    const bareUrl = `http://127.0.0.1:${address.port}/`;
    const lobbyPath = `/m/${token}`;
    const lobbyUrl = app.url + lobbyPath;
    browser = await chromium.launch({
      ...chromiumLaunch,
      headless: true,
    });

    process.stderr.write('bytes pass');
    const bytes = await measureBytes(browser, lobbyUrl);
    process.stderr.write(', warm-up');
    await timedLoad(browser, bareUrl);
    await timedLoad(browser, lobbyUrl);
    const lobby: Load[] = [];
    const floor: Load[] = [];
    process.stderr.write(`, ${LOADS} loads each:`);
    for (let i = 0; i < LOADS; i += 1) {
      // ABBA...: slow drift in machine state hits both alike.
      const order = i % 2 === 0 ? (['bare', 'lobby'] as const) : (['lobby', 'bare'] as const);
      for (const which of order) {
        if (which === 'bare') floor.push(await timedLoad(browser, bareUrl));
        else lobby.push(await timedLoad(browser, lobbyUrl));
      }
      process.stderr.write(` ${i + 1}`);
    }
    process.stderr.write('\n');

    const { cpu, cores, loadAfter, line } = machineReport(loadBefore);
    console.log(line);
    console.log(
      `Browser: Chromium ${browser.version()} headless, loopback; app: node dist/server/main.js ` +
        '(NODE_ENV=production, SQLite, LOG_LEVEL warn) in a child process',
    );

    const { js, css } = printBytes(bytes, lobbyPath);

    const pick = (loads: Load[], phase: keyof Phases) => stats(loads.map((l) => l.phases[phase]));
    const ready = pick(lobby, 'ready');
    const floorReady = pick(floor, 'ready');
    const outside = stats(lobby.map((l) => l.outside));
    const floorOutside = stats(floor.map((l) => l.outside));
    const statRow = (name: string, s: Stats, goal: string) => [
      name,
      ms(s.median),
      ms(s.p90),
      ms(s.min),
      ms(s.max),
      goal,
    ];
    const readyMet = ready.median < READY_GOAL_MS;
    console.log(
      `\nTime to an enabled, visible Join button: ${LOADS} loads, each in a fresh browser ` +
        'context (cold cache, no cookie); ms from navigation start, measured in the page ' +
        '(CPU rows: main-thread CPU ms up to then)',
    );
    console.log(
      table(
        ['page', 'median', 'p90', 'min', 'max', 'goal'],
        [
          statRow('lobby: Join enabled', ready, `<${READY_GOAL_MS} ${readyMet ? 'met' : 'MISSED'}`),
          statRow('  HTML received', pick(lobby, 'html'), ''),
          statRow('  DOMContentLoaded', pick(lobby, 'domContentLoaded'), ''),
          statRow('  last JS/CSS received', pick(lobby, 'assets'), ''),
          statRow('  last API answer received', pick(lobby, 'api'), ''),
          statRow('  renderer main-thread CPU', stats(lobby.map((l) => l.cpu.task)), ''),
          statRow('  of which script', stats(lobby.map((l) => l.cpu.script)), ''),
          statRow('bare page: button', floorReady, '-'),
          statRow('  renderer main-thread CPU', stats(floor.map((l) => l.cpu.task)), ''),
          statRow('lobby, seen from Node (goto..CDP)', outside, '-'),
          statRow('bare, seen from Node (goto..CDP)', floorOutside, '-'),
        ],
      ),
    );
    console.log(
      `Lobby minus bare floor (medians): ${ms(ready.median - floorReady.median)} ms; ` +
        `API calls before Join enabled: ${median(lobby.map((l) => l.phases.apiCalls))} (median)`,
    );

    const summary = {
      bench: 'lobby',
      machine: {
        cpu,
        cores,
        node: process.version,
        loadavg: { before: loadBefore.map(round1), after: loadAfter.map(round1) },
      },
      chromium: browser.version(),
      loads: LOADS,
      bytes: {
        js: { ...js, goal: JS_GOAL_BYTES, met: js.gzip <= JS_GOAL_BYTES },
        css,
        document: bytes.document,
        served: served(bytes.assets.filter((a) => !a.afterReady)),
      },
      readyMs: {
        median: round1(ready.median),
        p90: round1(ready.p90),
        min: round1(ready.min),
        max: round1(ready.max),
        goal: READY_GOAL_MS,
        met: readyMet,
      },
      bareMs: {
        median: round1(floorReady.median),
        p90: round1(floorReady.p90),
        min: round1(floorReady.min),
        max: round1(floorReady.max),
      },
      cpuMs: {
        lobbyTask: round1(median(lobby.map((l) => l.cpu.task))),
        lobbyScript: round1(median(lobby.map((l) => l.cpu.script))),
        bareTask: round1(median(floor.map((l) => l.cpu.task))),
      },
    };
    console.log(`\n${JSON.stringify(summary)}`);
  } finally {
    await browser?.close();
    if (bare) {
      const server = bare;
      await new Promise((resolve) => server.close(resolve));
    }
    await app.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
