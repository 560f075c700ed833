/**
 * What size each participant's camera arrives in, on a page of the room: the main video should
 * come larger than the thumbnails, whichever media backend carries it (Janus's simulcast layers,
 * or each p2p peer's own encoding for this viewer).
 */
import type { Page } from '@playwright/test';

declare global {
  interface Window {
    __receivedWidths?: () => Promise<Record<string, number>>;
  }
}

/** Installs, in the page, a reader of the frame width received from each thumbnail's camera. */
export const installReceivedWidths = () => {
  window.__receivedWidths = async () => {
    const frameWidths = new Map<string, number>();
    for (const pc of window.__peerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach(
        (report: { type: string; trackIdentifier?: string; frameWidth?: number }) => {
          if (report.type === 'inbound-rtp' && report.trackIdentifier) {
            frameWidths.set(report.trackIdentifier, report.frameWidth ?? 0);
          }
        },
      );
    }
    const widths: Record<string, number> = {};
    for (const tile of document.querySelectorAll<HTMLElement>('[data-testid="tile"]')) {
      const stream = tile.querySelector('video')?.srcObject as MediaStream | null | undefined;
      const track = stream?.getVideoTracks()[0];
      if (track && tile.dataset.name) widths[tile.dataset.name] = frameWidths.get(track.id) ?? 0;
    }
    return widths;
  };
};

/**
 * Widths of the frames last decoded from each participant's camera on this page, by name: the
 * incoming stream whose track plays in that participant's thumbnail.
 */
export async function receivedWidths(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => window.__receivedWidths!());
}

/** The width of the frames last decoded from `name`'s camera on this page (0: none yet). */
export async function receivedWidthOf(page: Page, name: string): Promise<number> {
  return (await receivedWidths(page))[name] ?? 0;
}

/**
 * Clicks `name`'s thumbnail and times, on the page's own clock (a loaded machine slows every
 * round trip to the test), until their camera arrives larger than it came as a thumbnail (`up`)
 * and larger than `other`'s, the main video until then (`done`: `other` must come down too).
 * `widths` lists each change seen, "ms:name/other", for a failure message.
 */
export async function timeLayerSwitch(
  page: Page,
  name: string,
  other: string,
): Promise<{ up: number; done: number; widths: string }> {
  return page.evaluate(
    async ({ name, other }) => {
      const before = (await window.__receivedWidths!())[name] ?? 0;
      const started = performance.now();
      document.querySelector<HTMLElement>(`[data-testid="tile"][data-name="${name}"]`)!.click();
      const seen: string[] = [];
      let up = Infinity;
      for (;;) {
        const widths = await window.__receivedWidths!();
        const ms = performance.now() - started;
        const now = `${widths[name]}/${widths[other]}`;
        if (seen.at(-1)?.endsWith(`:${now}`) !== true) seen.push(`${Math.round(ms)}:${now}`);
        if (up === Infinity && (widths[name] ?? 0) > before) up = ms;
        if ((widths[name] ?? 0) > (widths[other] ?? 0))
          return { up, done: ms, widths: seen.join(' ') };
        if (ms > 10_000) return { up, done: Infinity, widths: seen.join(' ') };
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    { name, other },
  );
}

/** Whether `main`'s camera arrives on this page wider than `thumbnail`'s. */
export async function mainIsLarger(page: Page, main: string, thumbnail: string): Promise<boolean> {
  const widths = await receivedWidths(page);
  return (widths[main] ?? 0) > (widths[thumbnail] ?? 0);
}
