import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import sharp from 'sharp';
import { e2eAdmin } from './fixtures.js';

/** A quick conference (open at once), created by the admin through the API. */
async function openMeetingToken(request: APIRequestContext): Promise<string> {
  const login = await request.post('/api/session', { data: e2eAdmin });
  expect(login.ok()).toBe(true);
  const created = await request.post('/api/meetings/quick', { data: { name: 'Lobby day' } });
  expect(created.status()).toBe(201);
  const { joinUrl } = (await created.json()) as { joinUrl: string };
  await request.delete('/api/session');
  return new URL(joinUrl).pathname.split('/m/')[1]!;
}

async function pictureFile() {
  const buffer = await sharp({
    create: { width: 300, height: 200, channels: 3, background: '#2266cc' },
  })
    .png()
    .toBuffer();
  return { name: 'me.png', mimeType: 'image/png', buffer };
}

async function noHorizontalScroll(page: Page) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
}

test('a guest from a ?username= link sets a picture and media choices, joins, and is seen by name and picture', async ({
  page,
  playwright,
  baseURL,
}) => {
  const api = await playwright.request.newContext({ baseURL });
  const token = await openMeetingToken(api);
  await page.goto(`/m/${token}?username=Bob%20Smith`);

  await expect(page.getByTestId('join-info')).toContainText('Lobby day');
  await expect(page.getByLabel('Your name')).toHaveValue('Bob Smith');
  await expect(page.getByTestId('lobby-camera-preview')).toBeVisible();

  await page.getByTestId('lobby-picture-input').setInputFiles(await pictureFile());
  await expect(page.getByTestId('lobby-picture-preview')).toHaveAttribute('data-status', 'ready');

  await page.getByLabel('Join with camera off').check();
  await page.getByLabel('Audio only (no video sent or received)').check();
  await page.getByRole('button', { name: 'Join meeting' }).click();

  await expect(page).toHaveURL(new RegExp(`/m/${token}/room$`));
  const self = page.locator('[data-testid="tile"][data-self="true"]');
  await expect(self).toContainText('Bob Smith');
  const avatar = self.locator('img');
  await expect(avatar).toHaveAttribute('src', /\/avatars\/[0-9a-f-]+\.webp$/);
  // The picture really loads: it is the server's re-encoded 256x256 WebP.
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);
  await api.dispose();
});

test('a name from ?username= is text, never markup', async ({ page, playwright, baseURL }) => {
  const api = await playwright.request.newContext({ baseURL });
  const token = await openMeetingToken(api);
  await page.goto(`/m/${token}?username=%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
  await expect(page.getByLabel('Your name')).toHaveValue('<script>alert(1)</script>');
  await page.getByRole('button', { name: 'Join meeting' }).click();
  await expect(page.locator('[data-testid="tile"][data-self="true"]')).toContainText(
    '<script>alert(1)</script>',
  );
  expect(await page.locator('script:text("alert(1)")').count()).toBe(0);
  await api.dispose();
});

test('a logged-in member opening the link skips the lobby', async ({
  page,
  playwright,
  baseURL,
}) => {
  const api = await playwright.request.newContext({ baseURL });
  const token = await openMeetingToken(api);
  await page.goto('/login');
  await page.getByLabel('Email').fill(e2eAdmin.email);
  await page.getByLabel('Password').fill(e2eAdmin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  await page.goto(`/m/${token}`);
  await expect(page).toHaveURL(new RegExp(`/m/${token}/room$`));
  await expect(page.locator('[data-testid="tile"][data-self="true"]')).toContainText(
    'Administrator',
  );
  await expect(page.locator('[data-testid="tile"][data-self="true"]')).toHaveAttribute(
    'data-kind',
    'member',
  );
  await api.dispose();
});

test('a guest who switches to Spanish in the lobby finds the room in Spanish too', async ({
  page,
  playwright,
  baseURL,
}) => {
  // The lobby ships only the first screens' texts of one language; the switch fetches the
  // other's, and the room brings the rest of them (src/web/i18n/index.ts).
  const api = await playwright.request.newContext({ baseURL });
  const token = await openMeetingToken(api);
  await page.goto(`/m/${token}?username=Lucía`);
  await expect(page.getByRole('button', { name: 'Join meeting' })).toBeEnabled();
  await page.getByRole('button', { name: 'Español' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByLabel('Entrar con la cámara apagada')).toBeVisible();
  await page.getByRole('button', { name: 'Unirse a la reunión' }).click();
  await expect(page.getByTestId('room-leave')).toContainText('Salir');
  await page.reload();
  // Remembered in this browser: the room's page opens in Spanish from the start.
  await expect(page.getByTestId('room-leave')).toContainText('Salir');
  await api.dispose();
});

test.describe('on a phone-sized screen', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the lobby and the room are usable without horizontal scrolling', async ({
    page,
    playwright,
    baseURL,
  }) => {
    const api = await playwright.request.newContext({ baseURL });
    const token = await openMeetingToken(api);
    await page.goto(`/m/${token}?username=Ana`);
    await expect(page.getByTestId('lobby-camera-preview')).toBeVisible();
    await noHorizontalScroll(page);
    const join = page.getByRole('button', { name: 'Join meeting' });
    await join.scrollIntoViewIfNeeded();
    await expect(join).toBeInViewport();
    await join.click();
    await expect(page.locator('[data-testid="tile"][data-self="true"]')).toContainText('Ana');
    await noHorizontalScroll(page);
    await api.dispose();
  });
});
