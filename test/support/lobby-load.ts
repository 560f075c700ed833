/**
 * What a guest's browser does on a join link until the Join button works: when it became
 * enabled (timed in the page) and which JS and CSS it fetched before. Shared by bench/lobby.ts,
 * which prints it, and test/integration/lobby-size.test.ts, which holds the lobby's JS to its
 * size budget: both count the same bytes.
 */
import zlib from 'node:zlib';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';

export const JOIN_SELECTOR = '[data-testid="lobby-join"]';
const READY_TIMEOUT_MS = 30_000;

// ---- in-page measurement ----------------------------------------------------------------------

/**
 * Runs in every page before its own scripts (a string, so no bundler helper leaks into it).
 * Records `performance.now()` the first time the Join button is enabled and visible: a
 * MutationObserver sees React's commit as it happens; an animation-frame loop catches a
 * button made visible by a stylesheet rather than a DOM change. Then it notes the phases.
 */
export const READY_SCRIPT = `(() => {
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
export interface Phases {
  ready: number;
  html: number;
  domContentLoaded: number;
  assets: number;
  api: number;
  apiCalls: number;
}

export interface Load {
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

/**
 * A phone, as Lighthouse's "slow 4G" mobile profile has it: the CPU 4x slower, 1.6 Mbit/s down,
 * 750 kbit/s up and 150 ms round trips, applied over CDP to the page before it navigates.
 */
export const PHONE = {
  cpuSlowdown: 4,
  latencyMs: 150,
  downloadBitsPerSecond: 1_600_000,
  uploadBitsPerSecond: 750_000,
} as const;

export type Profile = 'desktop' | 'phone';

export interface LoadOptions {
  profile?: Profile;
  onResponse?: (response: Response) => void;
}

/**
 * Opens `url` in a fresh browser context (cold cache, no cookie) and waits for an enabled,
 * visible Join button. The caller closes the returned context.
 */
export async function loadOnce(
  browser: Browser,
  url: string,
  { profile = 'desktop', onResponse }: LoadOptions = {},
): Promise<{ load: Load; page: Page; context: BrowserContext }> {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ content: READY_SCRIPT });
    const page = await context.newPage();
    if (onResponse) page.on('response', onResponse);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    if (profile === 'phone') {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE.cpuSlowdown });
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: PHONE.latencyMs,
        downloadThroughput: PHONE.downloadBitsPerSecond / 8,
        uploadThroughput: PHONE.uploadBitsPerSecond / 8,
      });
    }
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

// ---- bytes ------------------------------------------------------------------------------------

export type Kind = 'js' | 'css';

export interface Asset {
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

export function compressed(bytes: Buffer): { gzip: number; brotli: number } {
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

export interface Bytes {
  assets: Asset[];
  document: { raw: number; wire: number; encoding: string };
  apiCalls: string[];
}

/**
 * The document, JS and CSS a guest's browser fetches on `lobbyUrl`, each marked by whether its
 * request started after the Join button was enabled. That is judged in the page, on one clock:
 * the resource's `startTime` against the moment the button was found (a response seen by this
 * process after the button was reported would not do: a prefetch started just after the button
 * can be answered on loopback before the report arrives).
 */
export async function measureBytes(browser: Browser, lobbyUrl: string): Promise<Bytes> {
  const seen: Response[] = [];
  const { page, context, load } = await loadOnce(browser, lobbyUrl, {
    onResponse: (response) => seen.push(response),
  });
  try {
    // Whatever the page fetches right after (the room's code) is listed apart.
    await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = new Map(
      await page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((entry) => [entry.name, entry.startTime] as [string, number]),
      ),
    );
    const assets: Asset[] = [];
    let document: Bytes['document'] | null = null;
    const apiCalls: string[] = [];
    for (const response of seen) {
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
      const startTime = started.get(url);
      if (startTime === undefined) throw new Error(`${url}: no resource timing entry`);
      assets.push({
        url: pathname,
        kind,
        raw: bytes.length,
        ...compressed(bytes),
        encoding,
        wire: sizes.responseBodySize,
        afterReady: startTime > load.phases.ready,
      });
    }
    if (!document) throw new Error('no document response recorded');
    return { assets, document, apiCalls };
  } finally {
    await context.close();
  }
}

/** The JS fetched before Join was enabled, compressed (gzip -9 and brotli 11), summed. */
export function lobbyJs(bytes: Bytes): { files: number; gzip: number; brotli: number } {
  const js = bytes.assets.filter((a) => a.kind === 'js' && !a.afterReady);
  return {
    files: js.length,
    gzip: js.reduce((n, a) => n + a.gzip, 0),
    brotli: js.reduce((n, a) => n + a.brotli, 0),
  };
}
