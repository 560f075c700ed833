/**
 * `npm run bench:leaving`: how fast the others see a closed tab leave, and how fast a reloaded
 * room page is back in its place. Two guests in a p2p room of the built app (dist/), each in its
 * own Chromium context with the fake camera:
 *
 * - departure: the second guest's page is closed; the time until its tile is gone from the
 *   first guest's page (the reconnect grace, 32 s, is the figure without the `pagehide` leave);
 * - resume: the second guest's page is reloaded; the time until it says `connected` again, and
 *   whether it kept its place (the same peer id) or had to join afresh.
 *
 * Options: --rounds N (default 10). Prints p50/p95 of each and one JSON line last.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunch } from '../test/support/chromium.js';
import { adminCookie, checkBuild, quickConference, startApp } from './support/app-process.js';
import { machineReport } from './support/machine.js';
import { table } from './support/table.js';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(/--rounds[= ](\d+)/.exec(process.argv.join(' '))?.[1] ?? 10);

async function guest(browser: Browser, url: string, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${url}?username=${name}`);
  await page.locator('[data-testid="lobby-join"]').click();
  await page.locator('[data-testid="room"][data-status="connected"]').waitFor();
  return page;
}

async function tileCount(page: Page): Promise<number> {
  return page.locator('[data-testid="tile"]').count();
}

async function untilTrue(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

function savedPeerId(page: Page, token: string): Promise<string | null> {
  return page.evaluate(
    (key) =>
      (JSON.parse(sessionStorage.getItem(key) ?? 'null') as { peerId?: string })?.peerId ?? null,
    `tertulia.room.${token}`,
  );
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function main(): Promise<void> {
  checkBuild(root);
  const loadBefore = os.loadavg();
  const app = await startApp(root);
  const browser = await chromium.launch({ ...chromiumLaunch, headless: true });
  const departures: number[] = [];
  const resumes: number[] = [];
  let keptPlace = 0;
  try {
    const cookie = await adminCookie(app.url);
    for (let round = 1; round <= rounds; round += 1) {
      const token = await quickConference(app.url, cookie, `Leaving ${round}`);
      const url = `${app.url}/m/${token}`;
      const ana = await guest(browser, url, 'Ana');
      const ben = await guest(browser, url, 'Ben');
      await untilTrue(async () => (await tileCount(ana)) === 2, 10_000);

      const place = await savedPeerId(ben, token);
      const reloadedAt = performance.now();
      await ben.reload();
      await ben.locator('[data-testid="room"][data-status="connected"]').waitFor();
      resumes.push(performance.now() - reloadedAt);
      if ((await savedPeerId(ben, token)) === place) keptPlace += 1;
      await untilTrue(async () => (await tileCount(ana)) === 2, 10_000);

      const closedAt = performance.now();
      await ben.context().close();
      if (!(await untilTrue(async () => (await tileCount(ana)) === 1, 40_000))) {
        throw new Error(`round ${round}: Ben's tile stayed for 40 s`);
      }
      departures.push(performance.now() - closedAt);
      await ana.context().close();
    }
  } finally {
    await browser.close();
    await app.stop();
  }
  const ms = (n: number) => `${Math.round(n)} ms`;
  console.log(
    table(
      ['figure', 'p50', 'p95', 'rounds'],
      [
        [
          'tab closed -> tile gone for the others',
          ms(percentile(departures, 50)),
          ms(percentile(departures, 95)),
          String(rounds),
        ],
        [
          'reload -> room connected again',
          ms(percentile(resumes, 50)),
          ms(percentile(resumes, 95)),
          String(rounds),
        ],
      ],
    ),
  );
  console.log(`Reloads that kept their place (same peer id): ${keptPlace} of ${rounds}`);
  const machine = machineReport(loadBefore);
  console.log(machine.line);
  console.log(
    JSON.stringify({
      bench: 'leaving',
      rounds,
      departureMs: { p50: percentile(departures, 50), p95: percentile(departures, 95) },
      resumeMs: { p50: percentile(resumes, 50), p95: percentile(resumes, 95) },
      keptPlace,
      cpu: machine.cpu,
      loadAfter: machine.loadAfter,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
