import { expect, test } from '@playwright/test';
import {
  joinAsGuest,
  joinAsMember,
  newParticipantPage,
  quickMeeting,
  tileOf,
} from './support/room.js';

test.describe.configure({ mode: 'serial' });

test('raise hand: the host sees hands in order, lowers one, and everyone sees a reaction', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const api = await playwright.request.newContext({ baseURL });
  const token = await quickMeeting(api, 'Hands up');
  const host = await newParticipantPage(browser, baseURL!);
  const ana = await newParticipantPage(browser, baseURL!);
  const ben = await newParticipantPage(browser, baseURL!);
  await joinAsMember(host, token);
  await joinAsGuest(ana, token, 'Ana', { muted: true });
  await joinAsGuest(ben, token, 'Ben', { muted: true });
  for (const page of [host, ana, ben]) await expect(page.getByTestId('tile')).toHaveCount(3);

  // Ben first, then Ana, both by keyboard: the host's queue keeps that order.
  await ben.getByRole('button', { name: 'Raise hand' }).focus();
  await ben.keyboard.press('Enter');
  await expect(host.getByTestId('hand')).toHaveCount(1);
  await ana.getByRole('button', { name: 'Raise hand' }).press('Enter');
  const hands = host.getByTestId('hand');
  await expect(hands).toHaveCount(2);
  await expect(hands.nth(0)).toHaveAttribute('data-name', 'Ben');
  await expect(hands.nth(1)).toHaveAttribute('data-name', 'Ana');
  await expect(host.getByTestId('hands-announcement')).toHaveText('Ana raised their hand.');
  await expect(tileOf(host, 'Ben')).toHaveAttribute('data-hand', 'true');
  await expect(ben.getByRole('button', { name: 'Lower hand' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );

  // A guest may lower only their own hand; the host lowers Ben's.
  await expect(ana.getByRole('button', { name: "Lower Ben's hand" })).toHaveCount(0);
  await host.getByRole('button', { name: "Lower Ben's hand" }).click();
  await expect(hands).toHaveCount(1);
  await expect(hands.nth(0)).toHaveAttribute('data-name', 'Ana');
  await expect(ben.getByTestId('hands-announcement')).toHaveText('Your hand is down.');
  await expect(ben.getByRole('button', { name: 'Raise hand' })).toHaveAttribute(
    'aria-pressed',
    'false',
  );

  // A reaction from Ana shows over her tile on every page, then goes.
  await ana.getByRole('button', { name: 'Reactions' }).click();
  await ana.getByRole('button', { name: 'Applause' }).click();
  for (const page of [host, ana, ben]) {
    await expect(tileOf(page, 'Ana')).toHaveAttribute('data-reaction', 'clap', { timeout: 2000 });
  }
  await expect(tileOf(host, 'Ana')).toHaveAttribute('data-reaction', '', { timeout: 8000 });

  for (const page of [host, ana, ben]) await page.context().close();
  await api.dispose();
});

test('grid view: every camera the same size, paged past what fits', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const api = await playwright.request.newContext({ baseURL });
  const token = await quickMeeting(api, 'Grid');
  // Narrow enough for two tiles a page (one column, two rows).
  const viewer = await newParticipantPage(browser, baseURL!, { width: 300, height: 480 });
  const ana = await newParticipantPage(browser, baseURL!);
  const ben = await newParticipantPage(browser, baseURL!);
  await joinAsGuest(viewer, token, 'Viewer', { muted: true });
  await joinAsGuest(ana, token, 'Ana', { muted: true });
  await joinAsGuest(ben, token, 'Ben', { muted: true });
  await expect(viewer.getByTestId('tile')).toHaveCount(3);

  await viewer.getByRole('button', { name: 'Grid view' }).press('Enter');
  const grid = viewer.getByTestId('grid-tiles').getByTestId('tile');
  await expect(grid).toHaveCount(2);
  await expect(viewer.getByTestId('main-video')).toHaveCount(0);
  await expect(viewer.getByTestId('grid-page')).toHaveText('Page 1 of 2');
  const [first, second] = [await grid.nth(0).boundingBox(), await grid.nth(1).boundingBox()];
  expect(first && second && Math.abs(first.width - second.width)).toBeLessThan(1);
  expect(first && second && Math.abs(first.height - second.height)).toBeLessThan(1);
  expect(first!.width).toBeGreaterThan(200);

  await viewer.getByRole('button', { name: 'Next page' }).click();
  await expect(viewer.getByTestId('grid-page')).toHaveText('Page 2 of 2');
  await expect(grid).toHaveCount(1);
  await expect(grid.nth(0)).toHaveAttribute('data-name', 'Ben');

  // Back to the main video: the grid toggle is a pressed button.
  await viewer.getByRole('button', { name: 'Grid view' }).click();
  await expect(viewer.getByTestId('main-video')).toHaveAttribute('data-name', 'Ben');

  for (const page of [viewer, ana, ben]) await page.context().close();
  await api.dispose();
});
