/** Facts of the Janus end-to-end environment (started by test/e2e/servers/with-janus.ts). */
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { appPort } from '../fixtures.js';

export { JANUS_MISSING, janusBinary } from '../../support/local-janus.js';

/** The app with MEDIA=janus and a Janus of its own. */
export const janusAppPort = appPort + 2;

/** The app with two Janus instances (JANUS_INSTANCES=2), used by the failover spec only. */
export const janusFailoverPort = appPort + 3;

/** The failover server's Janus instances, in JANUS_URLS order, as its start-up wrote them. */
export function failoverJanusInstances(): { url: string; pid: number }[] {
  const file = `${process.env.E2E_DATA_DIR}-janus2/janus-instances.json`;
  return JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number }[];
}

/** The page's open RTCPeerConnections by role: sending only (publish) or receiving (subscribe). */
export async function connectionRoles(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window.__peerConnections ?? [])
      .filter((pc) => pc.connectionState !== 'closed')
      .map((pc) =>
        pc.getTransceivers().every((t) => t.direction === 'sendonly') ? 'publish' : 'subscribe',
      )
      .sort(),
  );
}

/** Frames decoded so far on each incoming video stream of the subscribing connection. */
export async function videoFramesDecoded(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const frames: Record<string, number> = {};
    for (const pc of window.__peerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach(
        (report: { type: string; kind?: string; mid?: string; framesDecoded?: number }) => {
          if (report.type === 'inbound-rtp' && report.kind === 'video') {
            frames[report.mid ?? '?'] = report.framesDecoded ?? 0;
          }
        },
      );
    }
    return frames;
  });
}

/**
 * Waits until `count` incoming videos have each decoded new frames within one `windowMs`
 * window (a loaded machine may not decode every stream in every second).
 */
export async function expectSfuDecodingWithin(
  page: Page,
  count: number,
  windowMs: number,
  timeout: number,
): Promise<void> {
  const rising = async () => {
    const before = await videoFramesDecoded(page);
    await page.waitForTimeout(windowMs);
    const after = await videoFramesDecoded(page);
    return Object.entries(after).filter(([mid, n]) => n > (before[mid] ?? 0)).length;
  };
  await expect.poll(rising, { timeout, intervals: [0] }).toBe(count);
}

/**
 * Waits until exactly `count` incoming videos keep decoding (frames rising over one second; a
 * stream unsubscribed after someone left keeps its last count and does not rise).
 */
export async function expectSfuDecodingFrom(
  page: Page,
  count: number,
  timeout = 20_000,
): Promise<void> {
  await expectSfuDecodingWithin(page, count, 1000, timeout);
}

/** The camera layers (rids) the page's publish connection is sending, as the server chose. */
export async function activeCameraLayers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    for (const pc of window.__peerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      for (const sender of pc.getSenders()) {
        const { encodings } = sender.getParameters();
        if (encodings.length > 1) {
          return encodings.filter((e) => e.active !== false).map((e) => e.rid ?? '');
        }
      }
    }
    return [];
  });
}

declare global {
  interface Window {
    __subscriber?: () => RTCPeerConnection | undefined;
  }
}

/** Installs, in the page, a finder of its open subscribing connection. */
const installSubscriberFinder = () => {
  window.__subscriber = () =>
    (window.__peerConnections ?? []).find(
      (pc) =>
        pc.connectionState !== 'closed' &&
        !pc.getTransceivers().every((t) => t.direction === 'sendonly'),
    );
};

/** The ICE username fragment of Janus's last offer on the page's subscribe connection. */
export async function subscriberIceUfrag(page: Page): Promise<string | undefined> {
  await page.evaluate(installSubscriberFinder);
  return page.evaluate(
    () => /a=ice-ufrag:(\S+)/.exec(window.__subscriber!()?.remoteDescription?.sdp ?? '')?.[1],
  );
}

/**
 * Makes the page's subscribe connection report failed ICE, as the browser does when the path to
 * the media server is gone (the state read and the event; the path itself stays up).
 */
export async function reportSubscriberIceFailed(page: Page): Promise<void> {
  await page.evaluate(installSubscriberFinder);
  await page.evaluate(() => {
    const pc = window.__subscriber!()!;
    Object.defineProperty(pc, 'iceConnectionState', { value: 'failed', configurable: true });
    pc.dispatchEvent(new Event('iceconnectionstatechange'));
    // From here on the real state shows again.
    delete (pc as { iceConnectionState?: string }).iceConnectionState;
  });
}
