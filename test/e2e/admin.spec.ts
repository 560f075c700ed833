import { expect, test } from '@playwright/test';
import { e2eAdmin } from './fixtures.js';

test("an admin sees every member's meetings, filters the protected ones, and opens one", async ({
  page,
  playwright,
  baseURL,
}) => {
  const api = await playwright.request.newContext({ baseURL });
  await api.post('/api/session', { data: e2eAdmin });
  const suffix = Date.now().toString(36);
  const member = { email: `lucia.${suffix}@example.org`, password: 'lucia-password-1' };
  await api.post('/api/members', {
    data: { ...member, username: `lucia${suffix}`, displayName: 'Lucía Pérez', role: 'member' },
  });
  const start = new Date(Date.now() + 2 * 86_400_000).toISOString().replace('Z', '+00:00');
  const locked = await api.post('/api/meetings', {
    data: { name: `Locked ${suffix}`, startsAt: start, timeZone: 'UTC', passwordProtected: true },
  });
  expect(locked.status()).toBe(201);
  await api.post('/api/session', { data: member });
  const theirs = await api.post('/api/meetings', {
    data: { name: `Lucía's ${suffix}`, startsAt: start, timeZone: 'UTC' },
  });
  const theirId = ((await theirs.json()) as { id: string }).id;
  await api.dispose();

  await page.goto('/login');
  await page.getByLabel('Email').fill(e2eAdmin.email);
  await page.getByLabel('Password').fill(e2eAdmin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('link', { name: 'All meetings' }).click();

  const row = page.locator(`[data-testid="admin-meeting-row"][data-meeting-id="${theirId}"]`);
  await expect(row).toContainText('Lucía Pérez');
  await page.getByTestId('admin-meetings-filter').selectOption('protected');
  await expect(
    page.getByTestId('admin-meeting-row').filter({ hasText: `Locked ${suffix}` }),
  ).toBeVisible();
  await expect(row).toHaveCount(0);

  await page.getByTestId('admin-meetings-filter').selectOption('upcoming');
  await page.getByTestId('admin-meetings-search').fill('lucía');
  await expect(page.getByTestId('admin-meeting-row')).toHaveCount(1);
  await row.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/meetings/${theirId}$`));
  await expect(page.getByRole('heading', { name: `Lucía's ${suffix}` })).toBeVisible();
});
