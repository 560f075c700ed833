/**
 * A room of N guests for bench/sfu.ts, brought in as bench/join.ts brings its guests
 * (bench/support/join-round.ts): a fresh quick conference; each guest in its own browser
 * context, with the join probe, goes through the lobby and joins, one after another (each once
 * the room says it is connected); then every page waits to show a frame of every other camera.
 * All within a deadline: a room this machine cannot hold is reported as far as it got, not
 * waited for.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { quickConference } from './app-process.js';
import type { RtpTotals } from './join-probe.js';
import { inLobby, JOIN, showsCameras } from './join-round.js';

const FRAMES_GRACE_MS = 5000;

export interface FilledRoom {
  /** Guests in the room (connected). */
  pages: Page[];
  /** Of those, how many show a frame of every other guest's camera. */
  seeingAll: number;
  /** Why it stopped short (the first failure or the deadline); null when all went well. */
  shortBy: string | null;
  /** Each page's RTP totals now (null for a page that did not answer). */
  rtpTotals(): Promise<(RtpTotals | null)[]>;
  close(): Promise<void>;
}

export async function fillRoom(
  browser: Browser,
  appUrl: string,
  cookie: string,
  size: number,
  deadline: number,
  stepTimeoutMs: number,
): Promise<FilledRoom> {
  const token = await quickConference(appUrl, cookie, `Bench room of ${size}`);
  const lobby = (n: number) => `${appUrl}/m/${token}?username=${encodeURIComponent(`Guest ${n}`)}`;
  /** At least 1 ms: Playwright reads a timeout of 0 as none. */
  const left = () => Math.max(1, Math.min(stepTimeoutMs, deadline - Date.now()));
  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];
  let shortBy: string | null = null;
  const failed = (what: string, error: unknown) =>
    Date.now() >= deadline
      ? `time-out while ${what}`
      : `${what}: ${String(error).split('\n')[0] ?? ''}`;

  for (let i = 1; i <= size; i += 1) {
    if (Date.now() >= deadline) {
      shortBy = `time-out before guest ${i} joined`;
      break;
    }
    try {
      const { context, page } = await inLobby(browser, lobby(i), left());
      contexts.push(context);
      await page.click(JOIN);
      await showsCameras(page, 0, left());
      pages.push(page);
    } catch (error) {
      shortBy = failed(`guest ${i} joined`, error);
      break;
    }
  }
  // Past the deadline, a few seconds still to tell the pages that already show everyone.
  const framesTimeoutMs = Math.max(FRAMES_GRACE_MS, deadline - Date.now());
  const seen = await Promise.all(
    pages.map((page) =>
      showsCameras(page, pages.length - 1, framesTimeoutMs).then(
        () => true,
        (error: unknown) => {
          shortBy ??= failed(`waiting for frames of ${pages.length - 1} cameras`, error);
          return false;
        },
      ),
    ),
  );

  return {
    pages,
    seeingAll: seen.filter(Boolean).length,
    shortBy,
    rtpTotals: () =>
      Promise.all(
        pages.map((page) =>
          page.evaluate(() => window.__joinProbe?.rtpTotals() ?? null).catch(() => null),
        ),
      ),
    close: async () => {
      for (const context of contexts.reverse()) await context.close().catch(() => undefined);
    },
  };
}
