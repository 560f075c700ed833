import { availableParallelism } from 'node:os';
import { expect, test, type Page } from '@playwright/test';
import {
  activeCameraLayers,
  connectionRoles,
  expectSfuDecodingWithin,
  JANUS_MISSING,
  janusAppPort,
  janusBinary,
} from './support/janus.js';
import { joinAsGuest, mainVideo, newParticipantPage, quickMeeting } from './support/room.js';

// A room larger than p2p's cap, on Janus: eight Chromium pages side by side. Eight
// software-encoding browsers need more than two cores, so it runs only where there are four (or
// with E2E_LARGE_ROOM=1); its synthetic-participants version is the one meant for two cores.
test.skip(!janusBinary(), JANUS_MISSING);
const CORES_NEEDED = 4;
test.skip(
  availableParallelism() < CORES_NEEDED && !process.env.E2E_LARGE_ROOM,
  `eight browsers need ${CORES_NEEDED} cores (set E2E_LARGE_ROOM=1 to run it anyway)`,
);
test.use({ baseURL: `http://localhost:${janusAppPort}` });

const NAMES = ['Ana', 'Ben', 'Cai', 'Dora', 'Eli', 'Fay', 'Gus', 'Hana'];

test('eight participants on Janus: everyone decodes seven thumbnails over two connections', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(600_000);
  const api = await playwright.request.newContext({ baseURL });
  const token = await quickMeeting(api, 'All hands');

  // Joining muted, as people do in a large meeting.
  const pages: Page[] = [];
  const joinSeconds: string[] = [];
  for (const name of NAMES) {
    const page = await newParticipantPage(browser, baseURL!);
    const started = performance.now();
    await joinAsGuest(page, token, name, { muted: true, timeout: 60_000 });
    joinSeconds.push(((performance.now() - started) / 1000).toFixed(1));
    pages.push(page);
  }
  test.info().annotations.push({
    type: 'joins (s, lobby to connected)',
    description: joinSeconds.join(' '),
  });

  const decodingSince = performance.now();
  for (const page of pages) {
    await expect(page.getByTestId('tile')).toHaveCount(8, { timeout: 30_000 });
    await expectSfuDecodingWithin(page, 7, 3000, 120_000);
    // However many others, one connection sends and one receives.
    expect(await connectionRoles(page)).toEqual(['publish', 'subscribe']);
  }

  test.info().annotations.push({
    type: 'all eight decoding seven videos (s, after the last join)',
    description: ((performance.now() - decodingSince) / 1000).toFixed(1),
  });

  // Everyone shows the last one in large, who shows the one before: only those two cameras
  // send their full layers; the six others pause theirs.
  for (const page of pages.slice(0, 7)) {
    await expect(mainVideo(page)).toHaveAttribute('data-name', 'Hana');
  }
  await expect(mainVideo(pages[7]!)).toHaveAttribute('data-name', 'Gus');
  for (const [index, page] of pages.entries()) {
    const expected = index >= 6 ? ['h', 'm', 'l'] : ['m', 'l'];
    await expect.poll(() => activeCameraLayers(page)).toEqual(expected);
  }

  for (const page of pages) await page.context().close();
  await api.dispose();
});
