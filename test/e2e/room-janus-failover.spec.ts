import { expect, test } from '@playwright/test';
import {
  expectSfuDecodingFrom as expectDecodingFrom,
  failoverJanusInstances,
  JANUS_MISSING,
  janusBinary,
  janusFailoverPort,
} from './support/janus.js';
import { joinAsGuest, newParticipantPage, quickMeeting, tileOf } from './support/room.js';

// Two Janus instances behind one app (test/e2e/servers/with-janus.ts, JANUS_INSTANCES=2). This
// server's rooms start idle, so the first room goes to the first instance listed.
test.skip(!janusBinary(), JANUS_MISSING);
test.use({ baseURL: `http://localhost:${janusFailoverPort}` });

test('when the Janus holding a room dies, its participants move to the other one and see each other again, without the lobby', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const api = await playwright.request.newContext({ baseURL });
  const token = await quickMeeting(api, 'Failover');
  const ana = await newParticipantPage(browser, baseURL!);
  const ben = await newParticipantPage(browser, baseURL!);
  await joinAsGuest(ana, token, 'Ana');
  await joinAsGuest(ben, token, 'Ben');
  await expectDecodingFrom(ana, 1);
  await expectDecodingFrom(ben, 1);
  const urls = [ana.url(), ben.url()];

  // Kill the instance holding the room, as a crash would (its supervisor restarts it later).
  const [holding] = failoverJanusInstances();
  process.kill(holding!.pid, 'SIGKILL');

  // Both pages renegotiate with the other instance and decode each other again, in the room.
  for (const page of [ana, ben]) {
    await expect
      .poll(() => page.evaluate(() => window.__peerConnections?.length), { timeout: 15_000 })
      .toBe(4);
    await expectDecodingFrom(page, 1);
    await expect(page.getByTestId('room')).toHaveAttribute('data-status', 'connected');
    await expect(page.getByTestId('tile')).toHaveCount(2);
  }
  await expect(tileOf(ana, 'Ben')).toHaveAttribute('data-video', 'on');
  expect([ana.url(), ben.url()]).toEqual(urls);

  for (const page of [ana, ben]) await page.context().close();
  await api.dispose();
});
