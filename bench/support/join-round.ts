/**
 * One round of bench/join.ts in the app (either media backend: the round does not change, the
 * probe tells cameras apart by itself): guests in their own browser contexts go through the
 * lobby of a fresh quick conference and join; the last one is measured by the join probe
 * (bench/support/join-probe.ts), every time on its page's clock, from its click on Join.
 * bench/sfu.ts brings its guests in the same way.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { quickConference } from './app-process.js';
import { joinProbeScript, type PageTimeline } from './join-probe.js';

/** The camera's transceiver in the app's mesh (audio, camera, screen). */
const CAMERA_INDEX = 1;
export const JOIN = '[data-testid="lobby-join"]';

/** A guest in its own context, with the probe, in the lobby with the camera preview playing. */
export async function inLobby(browser: Browser, url: string, timeoutMs: number) {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ content: joinProbeScript(CAMERA_INDEX) });
    const page = await context.newPage();
    page.setDefaultTimeout(timeoutMs);
    await page.goto(url);
    await page.waitForFunction(() => window.__joinProbe?.previewReady());
    await page.waitForSelector(`${JOIN}:enabled`);
    return { context, page };
  } catch (error) {
    // Its camera would keep running in the shared browser.
    await context.close();
    throw error;
  }
}

/** Waits until `page` is in the room and shows a frame of `others` cameras. */
export async function showsCameras(page: Page, others: number, timeoutMs?: number): Promise<void> {
  if (others === 0) {
    await page.waitForSelector('[data-testid="room"][data-status="connected"]', {
      timeout: timeoutMs,
    });
    return;
  }
  await page.waitForFunction((n) => (window.__joinProbe?.framesFrom() ?? 0) >= n, others, {
    polling: 50,
    timeout: timeoutMs,
  });
}

/** Milliseconds after the click; null when the page did not see it happen. */
export type Phases = Record<(typeof PHASES)[number]['key'], number | null>;

export const PHASES = [
  { key: 'joinAnswered', label: 'POST /api/join answered' },
  { key: 'roomChunkRequested', label: 'room chunk (RoomPage-*.js) requested' },
  { key: 'roomChunk', label: 'room chunk loaded' },
  { key: 'sessionRequested', label: 'GET /api/join/:token/me sent' },
  { key: 'sessionAnswered', label: 'GET /api/join/:token/me answered' },
  { key: 'socket', label: 'signaling WebSocket created' },
  { key: 'welcome', label: 'welcome received' },
  { key: 'created', label: 'RTCPeerConnection created (first)' },
  { key: 'offer', label: 'offer started (first connection)' },
  { key: 'remoteOffer', label: 'remote offer applied (last; SFU subscribe)' },
  { key: 'answer', label: 'answer applied (last connection offering)' },
  { key: 'connected', label: 'ICE+DTLS connected (last connection)' },
  { key: 'track', label: 'camera track event (last camera)' },
  { key: 'received', label: 'first frame received (last camera)' },
  { key: 'total', label: 'first frame shown, every camera' },
] as const;

export function phasesOf(t: PageTimeline, others: number): Phases {
  const click = t.clickAt ?? NaN;
  const since = (at: number | null) => (at === null ? null : at - click);
  /** The latest of `values`; null when there are none or one did not happen. */
  const last = (values: (number | null)[]) =>
    values.length === 0 || values.some((v) => v === null)
      ? null
      : since(Math.max(...(values as number[])));
  const first = (values: (number | null)[]) => {
    const known = values.filter((v): v is number => v !== null);
    return known.length ? since(Math.min(...known)) : null;
  };
  const { cameras } = t;
  // The lobby's WebRTC warm-up (webrtc-warmup.ts) made a connection before the click; it
  // never connects and is no part of the join.
  const connections = t.connections.filter((c) => c.createdAt >= click);
  const ofCameras = (values: (number | null)[]) => (cameras.length < others ? null : last(values));
  return {
    joinAnswered: since(t.joinAnsweredAt),
    roomChunkRequested: since(t.roomChunkRequestedAt),
    roomChunk: since(t.roomChunkAt),
    sessionRequested: since(t.sessionRequestedAt),
    sessionAnswered: since(t.sessionAnsweredAt),
    socket: since(t.socketAt),
    welcome: since(t.welcomeAt),
    created: first(connections.map((c) => c.createdAt)),
    offer: first(connections.map((c) => c.offerAt)),
    remoteOffer: last(
      connections.filter((c) => c.remoteOfferAt !== null).map((c) => c.remoteOfferAt),
    ),
    answer: last(connections.filter((c) => c.offerAt !== null).map((c) => c.answerAt)),
    connected: last(connections.map((c) => c.connectedAt)),
    track: ofCameras(cameras.map((c) => c.trackAt)),
    received: ofCameras(cameras.map((c) => c.receiveAt)),
    total: ofCameras(cameras.map((c) => c.firstFrameAt)),
  };
}

/** Guests of a fresh quick conference, brought in one after another (joinGuests). */
export interface JoinedGuests {
  token: string;
  lobby(n: number): string;
  /** Those in the room, in the order they joined. */
  pages: Page[];
  /** The first guest (from 1) who did not get in, and why (null: out of time); null if none. */
  failure: { guest: number; error: unknown } | null;
  close(): Promise<void>;
}

/**
 * A fresh quick conference that `count` guests join one after another, each in its own context
 * (inLobby), once the one before is in: connected, or with `waitForFrames` showing a frame of
 * every camera before it. Stops at the first guest who does not get in, or when `timeLeft()`
 * (each step's time-out, ms) runs out.
 */
export async function joinGuests(
  browser: Browser,
  appUrl: string,
  cookie: string,
  count: number,
  { timeLeft, waitForFrames }: { timeLeft: () => number; waitForFrames: boolean },
): Promise<JoinedGuests> {
  const token = await quickConference(appUrl, cookie, `Bench room of ${count}`);
  const lobby = (n: number) => `${appUrl}/m/${token}?username=${encodeURIComponent(`Guest ${n}`)}`;
  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];
  const close = async () => {
    for (const context of contexts.reverse()) await context.close().catch(() => undefined);
  };
  // At least 1 ms: Playwright reads a time-out of 0 as none.
  const timeout = () => Math.max(1, timeLeft());
  for (let guest = 1; guest <= count; guest += 1) {
    if (timeLeft() <= 0) return { token, lobby, pages, failure: { guest, error: null }, close };
    try {
      const { context, page } = await inLobby(browser, lobby(guest), timeout());
      contexts.push(context);
      await page.click(JOIN);
      await showsCameras(page, waitForFrames ? pages.length : 0, timeout());
      pages.push(page);
    } catch (error) {
      return { token, lobby, pages, failure: { guest, error }, close };
    }
  }
  return { token, lobby, pages, failure: null, close };
}

/** Guests already in a room: each showed the cameras of all the others. */
export interface RoomOfGuests {
  token: string;
  lobby(n: number): string;
  close(): Promise<void>;
}

/**
 * `count` guests in a fresh room (joinGuests, each once it shows the cameras of those before
 * it); returns once every one of them shows every other camera, or throws.
 */
export async function roomOfGuests(
  browser: Browser,
  appUrl: string,
  cookie: string,
  count: number,
  timeoutMs: number,
): Promise<RoomOfGuests> {
  const joined = await joinGuests(browser, appUrl, cookie, count, {
    timeLeft: () => timeoutMs,
    waitForFrames: true,
  });
  try {
    if (joined.failure) throw joined.failure.error;
    for (const page of joined.pages) await showsCameras(page, count - 1);
    return { token: joined.token, lobby: joined.lobby, close: joined.close };
  } catch (error) {
    await joined.close();
    throw error;
  }
}

/**
 * `joiner - 1` guests in a fresh room (roomOfGuests); then the measured guest clicks Join.
 * Its phases.
 */
export async function joinRound(
  browser: Browser,
  appUrl: string,
  cookie: string,
  joiner: number,
  timeoutMs: number,
  /** Where those already in the room run (bench/join.ts --others-niced); the same by default. */
  { others = browser }: { others?: Browser } = {},
): Promise<Phases> {
  const room = await roomOfGuests(others, appUrl, cookie, joiner - 1, timeoutMs);
  let context: BrowserContext | null = null;
  try {
    const joining = await inLobby(browser, room.lobby(joiner), timeoutMs);
    context = joining.context;
    const { page } = joining;
    await page.click(JOIN);
    await showsCameras(page, joiner - 1);
    const timeline = await page.evaluate(() => window.__joinProbe?.timeline());
    if (!timeline?.clickAt) throw new Error('the page saw no click on Join');
    const phases = phasesOf(timeline, joiner - 1);
    if (phases.total === null) throw new Error('no first frame time from every camera');
    return phases;
  } finally {
    await context?.close();
    await room.close();
  }
}
