/**
 * The lobby's size budget (issue 21): a guest opening a join link downloads at most 100 KB of
 * gzip-compressed JavaScript before the Join button works. Counted as bench/lobby.ts counts it
 * (test/support/lobby-load.ts): the built app (`node dist/server/main.js`) in a child process,
 * Chromium opening `/m/<token>` as a guest, every JS file whose request started before Join was
 * enabled, compressed with gzip -9 and summed. Bytes, not times: a build either fits or not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  adminCookie,
  quickConference,
  startApp,
  type AppProcess,
} from '../../bench/support/app-process.js';
import { chromiumLaunch } from '../support/chromium.js';
import { lobbyJs, measureBytes, type Bytes } from '../support/lobby-load.js';

const LOBBY_JS_BUDGET_BYTES = 100_000;

const repoRoot = path.resolve(import.meta.dirname, '../..');
const NOT_BUILT = ['dist/server/main.js', 'dist/web/index.html'].every((file) =>
  fs.existsSync(path.join(repoRoot, file)),
)
  ? undefined
  : 'dist/ is not built (npm run build)';
if (NOT_BUILT) console.warn(`lobby-size skipped: ${NOT_BUILT}`);

let app: AppProcess | undefined;
let browser: Browser | undefined;
let bytes: Bytes;

beforeAll(async () => {
  if (NOT_BUILT) return;
  app = await startApp(repoRoot);
  const token = await quickConference(app.url, await adminCookie(app.url), 'Size check');
  browser = await chromium.launch({ ...chromiumLaunch, headless: true });
  bytes = await measureBytes(browser, `${app.url}/m/${token}`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const listing = () =>
  bytes.assets
    .filter((a) => a.kind === 'js' && !a.afterReady)
    .map((a) => `${a.url} ${a.gzip} B`)
    .join(', ');

it.skipIf(NOT_BUILT)(
  `the lobby's JS before Join is enabled is at most ${LOBBY_JS_BUDGET_BYTES / 1000} KB gzip`,
  () => {
    const js = lobbyJs(bytes);
    expect(js.files, 'no JS counted: the measurement is broken').toBeGreaterThan(0);
    expect(js.gzip, `over budget; counted: ${listing()}`).toBeLessThanOrEqual(
      LOBBY_JS_BUDGET_BYTES,
    );
  },
);

it.skipIf(NOT_BUILT)("the room's code is not among it: it comes after Join is enabled", () => {
  const before = bytes.assets.filter((a) => !a.afterReady).map((a) => a.url);
  expect(before.filter((url) => /\/(RoomPage|room-prestart)-/.test(url))).toEqual([]);
  // ...and it does come, so a guest's click does not wait for it (decision 004).
  const after = bytes.assets.filter((a) => a.afterReady).map((a) => a.url);
  expect(after.some((url) => /\/room-prestart-/.test(url))).toBe(true);
});
