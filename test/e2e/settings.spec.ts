import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { e2eAdmin } from './fixtures.js';

test('an admin renames the organization and sets its logo in Settings; the lobby shows them and the audit log lists the change', async ({
  page,
  browser,
  playwright,
  baseURL,
}) => {
  const api = await playwright.request.newContext({ baseURL });
  expect((await api.post('/api/session', { data: e2eAdmin })).ok()).toBe(true);
  const created = await api.post('/api/meetings/quick', { data: { name: 'Branded call' } });
  const { joinUrl } = (await created.json()) as { joinUrl: string };
  const name = `Acme ${Date.now().toString(36)}`;

  try {
    await page.goto('/login');
    await page.getByLabel('Email').fill(e2eAdmin.email);
    await page.getByLabel('Password').fill(e2eAdmin.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();

    // An out-of-range value is refused next to its field, and nothing is saved.
    const cap = page.getByLabel('People per room');
    await cap.fill('99');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(cap).toHaveAttribute('aria-invalid', 'true');
    await expect(cap).toBeFocused();
    await expect(page.getByText('Use a whole number from 2 to 50.', { exact: true })).toBeVisible();
    await cap.fill('');

    await page.getByLabel('Organization name').fill(name);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved' })).toBeVisible();

    const logo = await sharp({
      create: { width: 300, height: 100, channels: 3, background: '#c2410c' },
    })
      .png()
      .toBuffer();
    await page.getByLabel('Logo picture').setInputFiles({
      name: 'logo.png',
      mimeType: 'image/png',
      buffer: logo,
    });
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await expect(page.getByRole('img', { name: `Logo of ${name}` })).toBeVisible();

    // A guest (no login) opening the join link sees the organization's logo, named for it.
    const guest = await browser.newContext();
    const lobby = await guest.newPage();
    await lobby.goto(new URL(joinUrl).pathname);
    const organization = lobby.getByTestId('join-organization');
    const shown = organization.getByRole('img', { name });
    await expect(shown).toBeVisible();
    await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(600);
    await guest.close();

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').selectOption({ label: 'Changed settings' });
    const row = page.getByTestId('audit-row').first();
    await expect(row).toContainText('Changed settings');
    await expect(row).toContainText(`Organization name: Tertulia → ${name}`);
    await expect(row).toContainText(e2eAdmin.email);
  } finally {
    // Other specs expect the default name and no logo.
    await api.delete('/api/admin/settings/logo');
    await api.patch('/api/admin/settings', { data: { organizationName: null } });
    await api.dispose();
  }
});
