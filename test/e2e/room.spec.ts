import { expect, test } from '@playwright/test';
import {
  detachedStreamHolders,
  cuttableSignaling,
  expectDecodingFrom,
  expectReconnected,
  goOffline,
  joinAsGuest,
  joinAsMember,
  mainVideo,
  newParticipantPage,
  quickMeeting,
  tileOf,
} from './support/room.js';
import {
  installReceivedWidths,
  mainIsLarger,
  receivedWidthOf,
  timeLayerSwitch,
} from './support/camera-sizes.js';

test.describe.configure({ mode: 'serial' });

test('three participants see and hear each other, pick the main video, share a screen and chat', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const api = await playwright.request.newContext({ baseURL });
  const token = await quickMeeting(api, 'Room day');

  const ana = await newParticipantPage(browser, baseURL!);
  const ben = await newParticipantPage(browser, baseURL!);
  const admin = await newParticipantPage(browser, baseURL!);
  await joinAsGuest(ana, token, 'Ana');
  await joinAsGuest(ben, token, 'Ben');
  await joinAsMember(admin, token);

  for (const page of [ana, ben, admin]) {
    await expect(page.getByTestId('tile')).toHaveCount(3);
    await expectDecodingFrom(page, 2);
  }
  await expect(tileOf(ana, 'Administrator').getByTestId('member-badge')).toBeVisible();
  // The lobby's camera preview let go of the camera when the room took over.
  for (const page of [ana, ben]) expect(await detachedStreamHolders(page)).toBe(0);

  // The last one in is the main video for the first two.
  await expect(mainVideo(ana)).toHaveAttribute('data-name', 'Administrator');
  await expect(mainVideo(ben)).toHaveAttribute('data-name', 'Administrator');
  await expect(mainVideo(ana)).toHaveAttribute('data-showing', 'camera');

  // Each peer encodes its camera for how this viewer shows it: the main video comes larger
  // than a thumbnail...
  for (const page of [ana, ben]) await page.evaluate(installReceivedWidths);
  await expect
    .poll(() => mainIsLarger(ana, 'Administrator', 'Ben'), { timeout: 20_000 })
    .toBe(true);
  await expect.poll(() => mainIsLarger(ben, 'Administrator', 'Ana')).toBe(true);

  // ...and a click changes the main video for this viewer only: the new main's camera comes
  // larger within 2 s, and the old main's comes down to a thumbnail's.
  const toBen = await timeLayerSwitch(ana, 'Ben', 'Administrator');
  test.info().annotations.push({ type: 'camera size switch', description: toBen.widths });
  expect(toBen.up, toBen.widths).toBeLessThan(2000);
  expect(toBen.done, toBen.widths).toBeLessThan(10_000);
  await expect(mainVideo(ana)).toHaveAttribute('data-name', 'Ben');
  await expect(mainVideo(ben)).toHaveAttribute('data-name', 'Administrator');

  // Camera off: everyone else sees Ben's avatar instead of his video.
  await ben.getByTestId('room-camera').click();
  for (const page of [ana, admin]) {
    await expect(tileOf(page, 'Ben')).toHaveAttribute('data-video', 'off', { timeout: 1500 });
  }
  await expect(mainVideo(ana)).toHaveAttribute('data-showing', 'avatar');
  await ben.getByTestId('room-camera').click();
  await expect(tileOf(ana, 'Ben')).toHaveAttribute('data-video', 'on');

  // Muting shows on every tile.
  await ana.getByTestId('room-mic').click();
  await expect(tileOf(ben, 'Ana')).toHaveAttribute('data-muted', 'true');

  // A shared screen reaches the others and becomes their main view.
  await ana.getByTestId('room-screen').click();
  for (const page of [ben, admin]) {
    await expect(mainVideo(page)).toHaveAttribute('data-name', 'Ana');
    await expect(mainVideo(page)).toHaveAttribute('data-showing', 'screen');
    await expect
      .poll(() =>
        page
          .getByTestId('main-video')
          .locator('video')
          .evaluate((v: HTMLVideoElement) => v.videoWidth),
      )
      .toBeGreaterThan(0);
  }
  await ana.getByTestId('room-screen').click();
  await expect(mainVideo(ben)).toHaveAttribute('data-showing', 'camera');

  // Chat reaches everyone, and a late joiner sees what was said.
  await ben.getByTestId('room-chat-toggle').click();
  await ben.getByTestId('room-chat-input').fill('Agenda: https://example.org/agenda');
  await ben.getByTestId('room-chat-send').click();
  for (const page of [ana, admin]) {
    await page.getByTestId('room-chat-toggle').click();
    await expect(page.getByTestId('chat-message')).toContainText([
      'Agenda: https://example.org/agenda',
    ]);
    await expect(page.getByTestId('chat-message').getByRole('link')).toHaveAttribute(
      'href',
      'https://example.org/agenda',
    );
  }
  const late = await newParticipantPage(browser, baseURL!);
  await joinAsGuest(late, token, 'Late Lucy');
  await late.getByTestId('room-chat-toggle').click();
  await expect(late.getByTestId('chat-message')).toContainText(['Agenda']);
  await late.getByTestId('room-leave').click();
  await expect(late.getByTestId('room-left')).toBeVisible();

  // Leaving removes the tile for the others within 2 s.
  await ben.getByTestId('room-leave').click();
  for (const page of [ana, admin]) {
    await expect(tileOf(page, 'Ben')).toHaveCount(0, { timeout: 2000 });
  }
  await expect(mainVideo(ana)).toHaveAttribute('data-name', 'Administrator');
  // Removed tiles, a camera turned off and on, a screen share ended: no stream left held.
  for (const page of [ana, admin]) expect(await detachedStreamHolders(page)).toBe(0);

  for (const page of [ana, ben, admin, late]) await page.context().close();
  await api.dispose();
});

test('a dropped signaling connection and a spell offline both heal without the lobby', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const api = await playwright.request.newContext({ baseURL });
  const token = await quickMeeting(api, 'Flaky Wi-Fi');
  const ana = await newParticipantPage(browser, baseURL!);
  const ben = await newParticipantPage(browser, baseURL!);

  // Ben's signaling goes through a route the test can cut, as a server or proxy would.
  const cut = await cuttableSignaling(ben);
  await joinAsGuest(ana, token, 'Ana');
  await joinAsGuest(ben, token, 'Ben');
  await expectDecodingFrom(ana, 1);
  await expectDecodingFrom(ben, 1);
  const benUrl = ben.url();

  await ana.getByTestId('room-chat-toggle').click();
  await ana.getByTestId('room-chat-input').fill('before the cut');
  await ana.getByTestId('room-chat-send').click();

  await cut();
  await expectReconnected(ben);
  await ana.getByTestId('room-chat-input').fill('after the cut');
  await ana.getByTestId('room-chat-send').click();
  await ben.getByTestId('room-chat-toggle').click();
  await expect(ben.getByTestId('chat-message')).toContainText(['before the cut', 'after the cut']);
  await expect(tileOf(ana, 'Ben')).toHaveCount(1);
  await expect(tileOf(ben, 'Ana')).toHaveCount(1);
  await expectDecodingFrom(ben, 1);
  expect(ben.url()).toBe(benUrl);

  // Five seconds offline: chat sent meanwhile arrives afterwards, video decodes again. Ben
  // clicks his own tile while his signaling is down; once back, Ana learns that he no longer
  // shows her camera large, and sends it at a thumbnail's size.
  await ben.evaluate(installReceivedWidths);
  await expect.poll(() => receivedWidthOf(ben, 'Ana'), { timeout: 20_000 }).toBeGreaterThan(320);
  await goOffline(ben, 2000, async () => {
    await ana.getByTestId('room-chat-input').fill('while you were away');
    await ana.getByTestId('room-chat-send').click();
    await expect(ben.getByTestId('room')).toHaveAttribute('data-status', 'reconnecting');
    await tileOf(ben, 'Ben').click();
  });
  await expect(ben.getByTestId('chat-message')).toContainText(
    ['before the cut', 'after the cut', 'while you were away'],
    { timeout: 15_000 },
  );
  await expect(ben.getByTestId('room')).toHaveAttribute('data-status', 'connected');
  await expect(ben.getByTestId('tile')).toHaveCount(2);
  await expect(ana.getByTestId('tile')).toHaveCount(2);
  await expectDecodingFrom(ben, 1);
  await expectDecodingFrom(ana, 1);
  expect(ben.url()).toBe(benUrl);
  await expect(mainVideo(ben)).toHaveAttribute('data-name', 'Ben');
  await expect
    .poll(() => receivedWidthOf(ben, 'Ana'), { timeout: 15_000 })
    .toBeLessThanOrEqual(320);

  for (const page of [ana, ben]) await page.context().close();
  await api.dispose();
});

test('with the room cap at 2, a third participant sees that the meeting is full', async ({
  browser,
  playwright,
  baseURL,
}) => {
  const api = await playwright.request.newContext({ baseURL });
  const token = await quickMeeting(api, 'Small room');
  const capped = await api.patch('/api/admin/settings', { data: { p2pRoomCap: 2 } });
  expect(capped.ok()).toBe(true);
  try {
    const ana = await newParticipantPage(browser, baseURL!);
    const ben = await newParticipantPage(browser, baseURL!);
    const eva = await newParticipantPage(browser, baseURL!);
    await joinAsGuest(ana, token, 'Ana');
    await joinAsGuest(ben, token, 'Ben');
    await eva.goto(`/m/${token}?username=Eva`);
    await eva.getByRole('button', { name: 'Join meeting' }).click();
    await expect(eva.getByTestId('room-full')).toBeVisible();
    await expect(eva.getByRole('heading', { name: 'This meeting is full' })).toBeVisible();
    // No media was started for a room Eva cannot enter.
    expect(await eva.evaluate(() => window.__peerConnections?.length ?? 0)).toBe(0);
    await expect(ana.getByTestId('tile')).toHaveCount(2);

    // When someone leaves, "Try again" gets Eva in.
    await ben.getByTestId('room-leave').click();
    await eva.getByTestId('room-rejoin').click();
    await expect(eva.getByTestId('room')).toHaveAttribute('data-status', 'connected');
    await expect(eva.getByTestId('tile')).toHaveCount(2);
    for (const page of [ana, ben, eva]) await page.context().close();
  } finally {
    await api.patch('/api/admin/settings', { data: { p2pRoomCap: null } });
    await api.dispose();
  }
});

test.describe('on a phone-sized screen, in Spanish', () => {
  test.use({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'es-ES',
  });

  test('main video, thumbnails and controls stay usable; no screen sharing offered', async ({
    browser,
    playwright,
    baseURL,
    page,
  }) => {
    const api = await playwright.request.newContext({ baseURL });
    const token = await quickMeeting(api, 'Móvil');
    const desk = await newParticipantPage(browser, baseURL!);
    await joinAsGuest(desk, token, 'Ana');
    // Phones have no getDisplayMedia; the page must not offer what it cannot do.
    await page.addInitScript(() => {
      delete (MediaDevices.prototype as { getDisplayMedia?: unknown }).getDisplayMedia;
    });
    await page.goto(`/m/${token}?username=Pablo`);
    await page.getByRole('button', { name: 'Unirse a la reunión' }).click();
    await expect(page.getByTestId('room')).toHaveAttribute('data-status', 'connected');
    await expect(page.getByTestId('tile')).toHaveCount(2);
    await expect(page.getByTestId('room-screen')).toHaveCount(0);
    for (const control of ['room-mic', 'room-camera', 'room-chat-toggle', 'room-leave']) {
      await expect(page.getByTestId(control)).toBeInViewport();
    }
    await expect(page.getByRole('button', { name: 'Salir' })).toBeVisible();
    await expect(page.getByTestId('main-video')).toHaveAttribute('data-name', 'Ana');
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await page.getByTestId('room-chat-toggle').tap();
    await page.getByTestId('room-chat-input').fill('hola');
    await page.getByTestId('room-chat-send').tap();
    await expect(page.getByTestId('chat-message')).toContainText(['hola']);
    await desk.context().close();
    await api.dispose();
  });
});
