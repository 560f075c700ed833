import { expect, test, type Page } from '@playwright/test';
import { appPort, e2eAdmin, transportsPort } from './fixtures.js';

test.use({ timezoneId: 'Europe/Madrid', locale: 'en-US' });

async function logIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(e2eAdmin.email);
  await page.getByLabel('Password').fill(e2eAdmin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

async function scheduleMeeting(page: Page, name: string, participants: string[]) {
  await page.getByRole('link', { name: 'Meetings', exact: true }).click();
  await page.getByRole('button', { name: 'New meeting' }).click();
  await page.getByLabel('Meeting name').fill(name);
  const input = page.getByLabel('Participants');
  for (const entry of participants) {
    await input.fill(entry);
    await input.press('Enter');
  }
  await expect(page.getByTestId('participant-chip')).toHaveCount(participants.length);
  await page.getByLabel('Date and time').fill('2030-09-15T10:00');
  await page.getByLabel('Time zone').selectOption('Europe/Madrid');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('join-link')).toContainText('/m/');
}

test.describe('with SMTP and SMPP configured', () => {
  test.use({ baseURL: `http://localhost:${transportsPort}` });

  test('invitations show as sent, and an edited time is delivered as an update', async ({
    page,
  }) => {
    await logIn(page);
    await scheduleMeeting(page, 'Delivery check', ['guest@example.com', '+34 612 345 678']);

    const email = page.locator('[data-testid="delivery-row"][data-address="guest@example.com"]');
    const phone = page.locator('[data-testid="delivery-row"][data-address="+34612345678"]');
    await expect(email).toHaveAttribute('data-status', 'sent');
    await expect(phone).toHaveAttribute('data-status', 'sent');
    await expect(email).toContainText('Invitation');

    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Date and time').fill('2030-09-15T12:30');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(email).toContainText('Update');
    await expect(email).toHaveAttribute('data-status', 'sent');
    await expect(phone).toContainText('Update');
    await expect(phone).toHaveAttribute('data-status', 'sent');
  });
});

test.describe('without any transport', () => {
  test.use({ baseURL: `http://localhost:${appPort}` });

  test('an admin reads the kept invitation on the Outbox page', async ({ page }) => {
    await logIn(page);
    await scheduleMeeting(page, 'Outbox check', ['reader@example.com']);
    await expect(
      page.locator('[data-testid="delivery-row"][data-address="reader@example.com"]'),
    ).toHaveAttribute('data-status', 'kept');

    await page.getByRole('link', { name: 'Outbox' }).click();
    // The invitation, not the reminder kept beside it for the day before.
    const row = page.locator(
      '[data-testid="outbox-row"][data-kind="invite"][data-to="reader@example.com"]',
    );
    await expect(row).toHaveAttribute('data-status', 'kept');
    await row.getByRole('link', { name: /Open message to/ }).click();

    const preview = page.frameLocator('iframe[title="Email preview"]');
    await expect(preview.locator('body')).toContainText('Outbox check');
    await expect(page.getByRole('link', { name: 'Download invite.ics' })).toBeVisible();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download invite.ics' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('invite.ics');
  });
});
