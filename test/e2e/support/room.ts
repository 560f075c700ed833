/**
 * Helpers for room tests: participants in their own browser contexts, and what their pages
 * really receive (RTCPeerConnection stats, read through a wrapper installed before any script).
 */
import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { e2eAdmin } from '../fixtures.js';

declare global {
  interface Window {
    __peerConnections?: RTCPeerConnection[];
    __mediaElements?: HTMLMediaElement[];
  }
}

/**
 * Records every RTCPeerConnection the room creates (closed ones are skipped when read). The
 * room's always carry its ICE servers; the lobby's WebRTC warm-up (webrtc-warmup.ts) makes one
 * without any, which never connects and is left out.
 */
export const recordPeerConnections = () => {
  const Native = window.RTCPeerConnection;
  window.__peerConnections = [];
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      if (config?.iceServers) window.__peerConnections?.push(this);
    }
  } as typeof RTCPeerConnection;
};

/** Records every audio or video element the page ever gives a stream (`srcObject`). */
export const recordMediaElements = () => {
  const native = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  if (!native?.set || !native.get) return;
  const elements: HTMLMediaElement[] = [];
  window.__mediaElements = elements;
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...native,
    set(this: HTMLMediaElement, value: MediaProvider | null) {
      if (value && !elements.includes(this)) elements.push(this);
      native.set?.call(this, value);
    },
  });
};

/**
 * Elements gone from the page that still hold a stream. Until garbage collection each keeps a
 * player, a decoder and its last frame; a camera frame held that way starves the capture
 * device's few buffers, and a new encoder sharing the device then waits a second or more for
 * its first frame (docs/decisions/005-media-elements-release-their-stream.md).
 */
export async function detachedStreamHolders(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (window.__mediaElements ?? []).filter((e) => !e.isConnected && e.srcObject !== null).length,
  );
}

/** A quick conference (open at once) created by the admin; its join token. */
export async function quickMeeting(request: APIRequestContext, name: string): Promise<string> {
  const login = await request.post('/api/session', { data: e2eAdmin });
  expect(login.ok()).toBe(true);
  const created = await request.post('/api/meetings/quick', { data: { name } });
  expect(created.status()).toBe(201);
  const { joinUrl } = (await created.json()) as { joinUrl: string };
  return new URL(joinUrl).pathname.split('/m/')[1]!;
}

export async function newParticipantPage(
  browser: Browser,
  baseURL: string,
  viewport?: { width: number; height: number },
): Promise<Page> {
  const context = await browser.newContext({ baseURL, ...(viewport ? { viewport } : {}) });
  await context.addInitScript(recordPeerConnections);
  await context.addInitScript(recordMediaElements);
  return context.newPage();
}

/** A guest through the lobby, with the fake camera and microphone. */
export async function joinAsGuest(
  page: Page,
  token: string,
  name: string,
  { muted = false, timeout = 10_000 } = {},
): Promise<void> {
  await page.goto(`/m/${token}?username=${encodeURIComponent(name)}`);
  await expect(page.getByTestId('lobby-camera-preview')).toBeVisible({ timeout });
  if (muted) await page.getByTestId('lobby-muted').check();
  await page.getByTestId('lobby-join').click();
  await expect(page.getByTestId('room')).toHaveAttribute('data-status', 'connected', { timeout });
}

/** The e2e admin, logged in, straight into the room (members skip the lobby). */
export async function joinAsMember(page: Page, token: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(e2eAdmin.email);
  await page.getByLabel('Password').fill(e2eAdmin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await page.goto(`/m/${token}`);
  await expect(page.getByTestId('room')).toHaveAttribute('data-status', 'connected');
}

/** Frames decoded so far on each open connection's camera stream (the second transceiver). */
export async function cameraFramesDecoded(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const open = (window.__peerConnections ?? []).filter((pc) => pc.connectionState !== 'closed');
    return Promise.all(
      open.map(async (pc) => {
        const camera = pc.getTransceivers()[1];
        if (!camera?.receiver) return 0;
        let frames = 0;
        (await camera.receiver.getStats()).forEach(
          (report: { type: string; framesDecoded?: number }) => {
            if (report.type === 'inbound-rtp') frames = report.framesDecoded ?? 0;
          },
        );
        return frames;
      }),
    );
  });
}

/** Waits until `count` incoming camera streams decode frames and keep decoding. */
export async function expectDecodingFrom(page: Page, count: number): Promise<void> {
  await expect
    .poll(async () => (await cameraFramesDecoded(page)).filter((n) => n > 0).length, {
      timeout: 20_000,
    })
    .toBe(count);
  const before = await cameraFramesDecoded(page);
  await page.waitForTimeout(1000);
  const after = await cameraFramesDecoded(page);
  const rising = after.filter((n, i) => n > (before[i] ?? 0)).length;
  expect(rising).toBe(count);
}

export function tileOf(page: Page, name: string) {
  return page.locator(`[data-testid="tile"][data-name="${name}"]`);
}

export function mainVideo(page: Page) {
  return page.getByTestId('main-video');
}

/**
 * Routes the page's signaling through the test, which can then cut it as a server or a proxy
 * would. Call before the page opens the room; the answer cuts the current connection.
 */
export async function cuttableSignaling(page: Page): Promise<() => Promise<void>> {
  let cut: (() => Promise<void>) | null = null;
  await page.routeWebSocket(/\/api\/rooms\//, (ws) => {
    const server = ws.connectToServer();
    cut = async () => {
      await ws.close({ code: 1006, reason: 'cut' }).catch(() => {});
      await server.close().catch(() => {});
    };
  });
  return async () => {
    if (!cut) throw new Error('the page has opened no signaling connection yet');
    await cut();
  };
}

/** The page says it lost the connection, then comes back by itself. */
export async function expectReconnected(page: Page): Promise<void> {
  await expect(page.getByTestId('room')).toHaveAttribute('data-status', 'reconnecting');
  await expect(page.getByTestId('room')).toHaveAttribute('data-status', 'connected', {
    timeout: 15_000,
  });
}

/**
 * Takes the page offline for about `ms` (Playwright's emulation); the page must notice (no
 * pong, or the browser's offline event) and say it is reconnecting. `meanwhile` runs offline.
 */
export async function goOffline(
  page: Page,
  ms: number,
  meanwhile: () => Promise<void> = async () => {},
): Promise<void> {
  await page.context().setOffline(true);
  await meanwhile();
  await expect(page.getByTestId('room')).toHaveAttribute('data-status', 'reconnecting', {
    timeout: 5000,
  });
  await page.waitForTimeout(ms);
  await page.context().setOffline(false);
}
