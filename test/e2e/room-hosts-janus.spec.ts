import { expect, test, type Page } from '@playwright/test';
import { e2eAdmin } from './fixtures.js';
import { JANUS_MISSING, janusAppPort, janusBinary } from './support/janus.js';
import { joinAsGuest, joinAsMember, newParticipantPage } from './support/room.js';

// A host's mute through Janus is enforced by the media server (VideoRoom `moderate`): even a
// page that keeps its microphone sending behind the app's back reaches nobody.
test.skip(!janusBinary(), JANUS_MISSING);
test.use({ baseURL: `http://localhost:${janusAppPort}` });

/** Audio bytes this page has received so far on its subscribing connection. */
async function inboundAudioBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let bytes = 0;
    for (const pc of window.__peerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach(
        (report: { type: string; kind?: string; bytesReceived?: number }) => {
          if (report.type === 'inbound-rtp' && report.kind === 'audio') {
            bytes += report.bytesReceived ?? 0;
          }
        },
      );
    }
    return bytes;
  });
}

/** How many audio bytes arrive over one second. */
async function audioGrowth(page: Page): Promise<number> {
  const before = await inboundAudioBytes(page);
  await page.waitForTimeout(1000);
  return (await inboundAudioBytes(page)) - before;
}

/** The page's own microphone track sends again, whatever the app thinks (a modified page). */
async function forceMicrophone(page: Page, enabled: boolean): Promise<void> {
  await page.evaluate((on) => {
    for (const pc of window.__peerConnections ?? []) {
      for (const sender of pc.getSenders()) {
        if (sender.track?.kind === 'audio') sender.track.enabled = on;
      }
    }
  }, enabled);
}

test('a muted guest reaches nobody through Janus, even sending anyway, until they unmute', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(150_000);
  const api = await playwright.request.newContext({ baseURL });
  expect((await api.post('/api/session', { data: e2eAdmin })).ok()).toBe(true);
  const created = await api.post('/api/meetings/quick', { data: { name: 'Janus mute' } });
  const token = new URL(((await created.json()) as { joinUrl: string }).joinUrl).pathname.split(
    '/m/',
  )[1]!;

  const host = await newParticipantPage(browser, baseURL!);
  await joinAsMember(host, token);
  const ana = await newParticipantPage(browser, baseURL!);
  await joinAsGuest(ana, token, 'Ana', { timeout: 30_000 });
  // The host hears Ana (the only other participant): audio bytes keep arriving.
  await expect
    .poll(() => audioGrowth(host), { timeout: 30_000, intervals: [0] })
    .toBeGreaterThan(0);

  await host.getByTestId('room-people-toggle').click();
  await host.getByRole('button', { name: 'Mute Ana' }).click();
  await expect(ana.getByTestId('room-moderation')).toContainText('Administrator muted you');
  // Ana's page turns its microphone back on behind the app's back: Janus drops it anyway.
  await forceMicrophone(ana, true);
  await expect.poll(() => audioGrowth(host), { timeout: 15_000, intervals: [0] }).toBe(0);
  expect(await audioGrowth(host)).toBe(0);

  // Ana unmutes herself through the app: the host hears her again.
  await forceMicrophone(ana, false);
  await ana.getByTestId('room-mic').click();
  await expect(ana.getByTestId('room-mic')).toHaveAttribute('aria-pressed', 'true');
  await expect
    .poll(() => audioGrowth(host), { timeout: 15_000, intervals: [0] })
    .toBeGreaterThan(0);
  for (const page of [host, ana]) await page.context().close();
});
