import { expect, test, type Page } from '@playwright/test';
import { joinSynthetic, type SyntheticParticipant } from '../../tools/load/synthetic.js';
import { installReceivedWidths, receivedWidths } from './support/camera-sizes.js';
import {
  activeCameraLayers,
  connectionRoles,
  expectSfuDecodingWithin,
  JANUS_MISSING,
  janusAppPort,
  janusBinary,
} from './support/janus.js';
import { joinAsGuest, mainVideo, newParticipantPage, quickMeeting } from './support/room.js';

// A room larger than p2p's cap, on Janus, on two cores: two Chromium pages, the observers, and
// six synthetic participants (tools/load/synthetic.ts) that publish looping pre-encoded
// simulcast clips through the same lobby and signaling, without a browser or an encoder. Eight
// real browsers would need more than two cores; this is how the field measures big rooms.
test.skip(!janusBinary(), JANUS_MISSING);
test.use({ baseURL: `http://localhost:${janusAppPort}` });

const PAGES = ['Ana', 'Ben'];
const SYNTHETIC = ['Cai', 'Dora', 'Eli', 'Fay', 'Gus', 'Hana'];

test('eight participants on Janus: each page decodes seven videos over two connections', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const api = await playwright.request.newContext({ baseURL });
  const token = await quickMeeting(api, 'All hands');

  // The pages first, joining muted as people do in a large meeting; then the synthetic ones,
  // so each page's main video is the last one in: Hana, a synthetic publisher.
  const pages: Page[] = [];
  const synthetic: SyntheticParticipant[] = [];
  const joinSeconds: string[] = [];
  const timed = async (join: () => Promise<void>) => {
    const started = performance.now();
    await join();
    joinSeconds.push(((performance.now() - started) / 1000).toFixed(1));
  };
  try {
    for (const name of PAGES) {
      const page = await newParticipantPage(browser, baseURL!);
      pages.push(page);
      await page.addInitScript(installReceivedWidths);
      await timed(() => joinAsGuest(page, token, name, { muted: true, timeout: 30_000 }));
    }
    for (const name of SYNTHETIC) {
      await timed(async () => {
        // Publish only: the pages are the observers, and receiving costs this process CPU.
        const participant = await joinSynthetic({
          joinUrl: `${baseURL}/m/${token}`,
          name,
          subscribe: 'none',
        });
        synthetic.push(participant);
        await participant.mediaUp;
      });
    }
    test.info().annotations.push({
      type: 'joins (s: pages lobby to connected, synthetic lobby to media up)',
      description: joinSeconds.join(' '),
    });

    const decodingSince = performance.now();
    for (const page of pages) {
      await expect(page.getByTestId('tile')).toHaveCount(8, { timeout: 30_000 });
      await expectSfuDecodingWithin(page, 7, 3000, 60_000);
      // However many others, one connection sends and one receives.
      expect(await connectionRoles(page)).toEqual(['publish', 'subscribe']);
    }
    test.info().annotations.push({
      type: 'both pages decoding seven videos (s, after the last join)',
      description: ((performance.now() - decodingSince) / 1000).toFixed(1),
    });

    // Simulcast: the main video, Hana's, in the full layer (1280 wide); every thumbnail, the
    // synthetic ones and the other page's, in the quarter layer (320 of 1280).
    for (const [index, page] of pages.entries()) {
      await expect(mainVideo(page)).toHaveAttribute('data-name', 'Hana');
      await expect
        .poll(() => receivedWidths(page), { timeout: 20_000 })
        .toMatchObject(expectedWidths(PAGES[index]!));
    }
    // Nobody shows a page large: both pause their full layer, as the server asks.
    for (const page of pages) await expect.poll(() => activeCameraLayers(page)).toEqual(['m', 'l']);
    // The synthetic participants were heard and seen all along, and nothing broke for them.
    for (const participant of synthetic) {
      const { sent, problems } = participant.stats();
      expect(problems).toEqual([]);
      expect(sent.frames).toBeGreaterThan(100);
    }
  } finally {
    await Promise.all(synthetic.map((participant) => participant.leave()));
    for (const page of pages) await page.context().close();
    await api.dispose();
  }
});

/** The width each other participant's camera should arrive in, on the page of `self`. */
function expectedWidths(self: string): Record<string, number> {
  const others = [...PAGES, ...SYNTHETIC].filter((name) => name !== self);
  return Object.fromEntries(others.map((name) => [name, name === 'Hana' ? 1280 : 320]));
}
