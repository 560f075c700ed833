import { expect, test, type Page } from '@playwright/test';
import { CLOSE_CODES } from '../../src/shared/signaling.js';
import { RoomRefusedError } from '../../tools/load/room-socket.js';
import { joinSynthetic, type SyntheticParticipant } from '../../tools/load/synthetic.js';
import {
  expectDecodingFrom,
  joinAsGuest,
  mainVideo,
  newParticipantPage,
  quickMeeting,
} from './support/room.js';

// The p2p backend's cap, filled on two cores: two Chromium pages and four synthetic
// participants (tools/load/synthetic.ts, looping pre-encoded clips, no encoder) make a full
// mesh of six, the default P2P_ROOM_CAP; a seventh is turned away as docs/protocol.md says.

const PAGES = ['Ana', 'Ben'];
const SYNTHETIC = ['Cai', 'Dora', 'Eli', 'Fay'];

test('a p2p room of six, two pages and four synthetic, turns the seventh away with ROOM_FULL', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const api = await playwright.request.newContext({ baseURL });
  const token = await quickMeeting(api, 'Full mesh');
  const joinUrl = `${baseURL}/m/${token}`;
  const pages: Page[] = [];
  const synthetic: SyntheticParticipant[] = [];
  const startedAt = performance.now();
  const seconds = () => ((performance.now() - startedAt) / 1000).toFixed(1);
  const joinedAt: string[] = [];
  try {
    for (const name of PAGES) {
      const page = await newParticipantPage(browser, baseURL!);
      pages.push(page);
      await joinAsGuest(page, token, name, { timeout: 30_000 });
      joinedAt.push(seconds());
    }
    // Publish only: the pages need not encode their cameras for them.
    for (const name of SYNTHETIC) {
      const participant = await joinSynthetic({ joinUrl, name, subscribe: 'none' });
      synthetic.push(participant);
      await participant.mediaUp;
      joinedAt.push(seconds());
    }
    expect(synthetic.map((participant) => participant.room.cap)).toEqual([6, 6, 6, 6]);
    test.info().annotations.push({
      type: 'in the room (s from the start: pages connected, synthetic media up)',
      description: joinedAt.join(' '),
    });

    // Everyone in the mesh: each page decodes the five other cameras, one connection each.
    for (const page of pages) {
      await expect(page.getByTestId('tile')).toHaveCount(6, { timeout: 30_000 });
      await expectDecodingFrom(page, 5);
      await expect(mainVideo(page)).toHaveAttribute('data-name', 'Fay');
    }
    test.info().annotations.push({ type: 'both pages decoding five (s)', description: seconds() });

    // The seventh: ROOM_FULL, then close 4009, before any media.
    const refusal = await joinSynthetic({ joinUrl, name: 'Gus', subscribe: 'none' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(RoomRefusedError);
    expect(refusal).toMatchObject({ code: 'ROOM_FULL', closeCode: CLOSE_CODES.ROOM_FULL });
    for (const page of pages) await expect(page.getByTestId('tile')).toHaveCount(6);
    const problems = synthetic.flatMap(({ name, stats }) =>
      stats().problems.map((p) => `${name}: ${p}`),
    );
    expect(problems).toEqual([]);
  } finally {
    await Promise.all(synthetic.map((participant) => participant.leave()));
    for (const page of pages) await page.context().close();
    await api.dispose();
  }
});
