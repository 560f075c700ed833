import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { e2eAdmin } from './fixtures.js';
import {
  cameraFramesDecoded,
  expectDecodingFrom,
  joinAsMember,
  newParticipantPage,
  tileOf,
} from './support/room.js';

// Hosts in control in real Chromium (p2p): the waiting room, admit and deny, the option switched
// on mid-meeting, mute, remove and end for everyone. The e2e admin is the host.
test.describe.configure({ mode: 'serial' });

async function hostedMeeting(api: APIRequestContext, name: string, waitingRoom: boolean) {
  expect((await api.post('/api/session', { data: e2eAdmin })).ok()).toBe(true);
  const created = await api.post('/api/meetings/quick', { data: { name, waitingRoom } });
  expect(created.status()).toBe(201);
  const meeting = (await created.json()) as { id: string; joinUrl: string };
  return { id: meeting.id, token: new URL(meeting.joinUrl).pathname.split('/m/')[1]! };
}

/** A guest through the lobby, up to wherever the room puts them (waiting or in). */
async function passLobby(page: Page, token: string, name: string): Promise<void> {
  await page.goto(`/m/${token}?username=${encodeURIComponent(name)}`);
  await expect(page.getByTestId('lobby-camera-preview')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('lobby-join').click();
}

async function openPeople(page: Page): Promise<void> {
  await page.getByTestId('room-people-toggle').click();
  await expect(page.getByTestId('room-people')).toBeVisible();
}

function person(page: Page, name: string) {
  return page.getByTestId('room-person').filter({ hasText: name });
}

test('a guest waits until the host admits them; a second one is denied; the option switched on mid-meeting holds the next', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(150_000);
  const api = await playwright.request.newContext({ baseURL });
  const { token } = await hostedMeeting(api, 'Waiting day', true);

  const ana = await newParticipantPage(browser, baseURL!);
  await passLobby(ana, token, 'Ana');
  await expect(ana.getByTestId('room-waiting')).toBeVisible();
  await expect(ana.getByTestId('room-waiting-status')).toHaveText(/No host has arrived yet/);
  // The camera preview stays while waiting; nothing of the room is shown.
  await expect(ana.getByTestId('room-waiting').locator('video')).toBeVisible();
  await expect(ana.getByTestId('room')).toHaveCount(0);

  const host = await newParticipantPage(browser, baseURL!);
  await joinAsMember(host, token);
  await expect(ana.getByTestId('room-waiting-status')).toHaveText(/A host knows you are here/);
  const knock = host.getByTestId('room-knock').filter({ hasText: 'Ana' });
  await expect(knock).toBeVisible();
  await expect(host.getByTestId('room-knocks')).toHaveAttribute('aria-live', 'polite');

  // Admission time: from the click to the host's first decoded frame of the guest's camera.
  const clickedAt = Date.now();
  await knock.getByRole('button', { name: 'Admit Ana' }).click();
  await expect(ana.getByTestId('room')).toHaveAttribute('data-status', 'connected');
  const inRoomMs = Date.now() - clickedAt;
  await expect
    .poll(async () => (await cameraFramesDecoded(host)).some((n) => n > 0), {
      timeout: 20_000,
      intervals: [50],
    })
    .toBe(true);
  const firstFrameMs = Date.now() - clickedAt;
  console.log(
    `admission: guest in the room ${inRoomMs} ms, host's first frame of her camera ${firstFrameMs} ms after the click`,
  );
  await expectDecodingFrom(host, 1);
  await expect(host.getByTestId('room-knock')).toHaveCount(0);
  await ana.context().close(); // two cores: fewer pages at once

  const ben = await newParticipantPage(browser, baseURL!);
  await passLobby(ben, token, 'Ben');
  await expect(ben.getByTestId('room-waiting')).toBeVisible();
  await host.getByRole('button', { name: 'Deny Ben' }).click();
  await expect(ben.getByTestId('room-denied')).toBeVisible();
  await expect(ben.getByTestId('room-denied')).toContainText('Administrator did not let you in');
  await expect(host.getByTestId('tile')).toHaveCount(1);
  await host.context().close();
  await ben.context().close();

  // Switched on mid-meeting: a meeting without a waiting room, then the option turned on.
  const open = await hostedMeeting(api, 'Open day', false);
  const host2 = await newParticipantPage(browser, baseURL!);
  await joinAsMember(host2, open.token);
  const cai = await newParticipantPage(browser, baseURL!);
  await passLobby(cai, open.token, 'Cai');
  await expect(cai.getByTestId('room')).toHaveAttribute('data-status', 'connected');
  const patched = await api.patch(`/api/meetings/${open.id}`, { data: { waitingRoom: true } });
  expect(patched.ok()).toBe(true);
  const dan = await newParticipantPage(browser, baseURL!);
  await passLobby(dan, open.token, 'Dan');
  await expect(dan.getByTestId('room-waiting')).toBeVisible();
  await expect(host2.getByTestId('room-knock').filter({ hasText: 'Dan' })).toBeVisible();
  await expect(host2.getByTestId('tile')).toHaveCount(2);

  for (const page of [host2, cai, dan]) await page.context().close();
});

test('the host mutes a guest, who sees by whom and unmutes; removes one, whose session ends; ends the meeting for all', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(150_000);
  const api = await playwright.request.newContext({ baseURL });
  const { token } = await hostedMeeting(api, 'Moderated day', false);
  const host = await newParticipantPage(browser, baseURL!);
  await joinAsMember(host, token);
  const ana = await newParticipantPage(browser, baseURL!);
  const ben = await newParticipantPage(browser, baseURL!);
  for (const [page, name] of [
    [ana, 'Ana'],
    [ben, 'Ben'],
  ] as const) {
    await passLobby(page, token, name);
    await expect(page.getByTestId('room')).toHaveAttribute('data-status', 'connected');
  }
  for (const page of [host, ana, ben]) await expect(page.getByTestId('tile')).toHaveCount(3);

  // From Ben's tile menu: stop his camera; he is told by whom, and his tile shows no video.
  await host.locator('summary[aria-label="Host actions for Ben"]').click();
  await host.getByRole('button', { name: "Stop Ben's camera" }).click();
  await expect(ben.getByTestId('room-moderation')).toContainText(
    'Administrator stopped your camera',
  );
  await expect(tileOf(host, 'Ben')).toHaveAttribute('data-video', 'off');

  // Mute: Ana is told who muted her, her microphone is off, and she turns it on again.
  await openPeople(host);
  await person(host, 'Ana').getByRole('button', { name: 'Mute Ana' }).click();
  await expect(ana.getByTestId('room-moderation')).toContainText('Administrator muted you');
  await expect(ana.getByTestId('room-mic')).toHaveAttribute('aria-pressed', 'false');
  await expect(person(host, 'Ana').getByRole('button', { name: 'Mute Ana' })).toBeDisabled();
  await ana.getByTestId('room-mic').click();
  await expect(ana.getByTestId('room-mic')).toHaveAttribute('aria-pressed', 'true');
  await expect(person(host, 'Ana').getByRole('button', { name: 'Mute Ana' })).toBeEnabled();

  // Remove: her page says so, the others' tiles drop within 2 s, her session cannot come back.
  await person(host, 'Ana').getByRole('button', { name: 'Remove Ana from the meeting' }).click();
  const removedAt = Date.now();
  await expect(ana.getByTestId('room-removed')).toBeVisible();
  await expect(ana.getByTestId('room-removed')).toContainText('Administrator removed you');
  for (const page of [host, ben]) {
    await expect(tileOf(page, 'Ana')).toHaveCount(0, {
      timeout: Math.max(100, 2_000 - (Date.now() - removedAt)),
    });
  }
  await ana.goto(`/m/${token}/room`);
  await expect(ana.getByTestId('lobby-join')).toBeVisible({ timeout: 10_000 });

  // End for everyone: every page says so.
  host.once('dialog', (dialog) => void dialog.accept());
  await host.getByTestId('room-end-all').click();
  for (const page of [host, ben]) {
    await expect(page.getByTestId('room-ended')).toBeVisible();
    await expect(page.getByTestId('room-ended')).toContainText(
      'Administrator ended the meeting for everyone',
    );
  }
  for (const page of [host, ana, ben]) await page.context().close();
});
