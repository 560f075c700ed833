/**
 * A room of N guests for bench/sfu.ts, brought in as bench/join.ts brings its guests
 * (joinGuests in bench/support/join-round.ts): a fresh quick conference; each guest in its own
 * browser context, with the join probe, goes through the lobby and joins, one after another
 * (each once the room says it is connected); then every page waits to show a frame of every
 * other camera.
 * All within a deadline: a room this machine cannot hold is reported as far as it got, not
 * waited for.
 */
import type { Browser, Page } from 'playwright-core';
import type { RtpTotals } from './join-probe.js';
import { joinGuests, showsCameras } from './join-round.js';

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
  const failed = (what: string, error: unknown) =>
    Date.now() >= deadline
      ? `time-out while ${what}`
      : `${what}: ${String(error).split('\n')[0] ?? ''}`;
  const { pages, failure, close } = await joinGuests(browser, appUrl, cookie, size, {
    timeLeft: () => Math.min(stepTimeoutMs, deadline - Date.now()),
    waitForFrames: false,
  });
  let shortBy: string | null = null;
  if (failure) {
    shortBy =
      failure.error === null
        ? `time-out before guest ${failure.guest} joined`
        : failed(`guest ${failure.guest} joined`, failure.error);
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
    close,
  };
}
