import { expect, test, type Page } from '@playwright/test';
import { e2eAdmin } from './fixtures.js';

test.use({ timezoneId: 'Europe/Madrid', locale: 'en-US' });

async function logIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(e2eAdmin.email);
  await page.getByLabel('Password').fill(e2eAdmin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

test('the meeting form offers reminders, saves them and shows them again when editing', async ({
  page,
}) => {
  await logIn(page);
  await page.getByRole('button', { name: 'New meeting' }).click();
  await page.getByLabel('Meeting name').fill('Reminded review');
  const participants = page.getByLabel('Participants');
  await participants.focus();
  for (const entry of ['guest@example.com', '612 34 56 78']) {
    await page.keyboard.type(entry);
    await page.keyboard.press('Enter');
  }
  await page.getByLabel('Date and time').fill('2030-06-10T09:00');

  const email = page.getByLabel('Email reminder');
  const sms = page.getByLabel('SMS reminder');
  // A new meeting follows the organization's defaults until the organizer picks another.
  await expect(email).toHaveValue('default');
  await expect(sms).toHaveValue('default');
  await email.selectOption({ label: '1 hour before' });
  await sms.selectOption({ label: 'None' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('join-link')).toContainText('/m/');

  await page.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByLabel('Email reminder')).toHaveValue('60');
  await expect(page.getByLabel('SMS reminder')).toHaveValue('none');
  // Editing offers no "default": the meeting has its own leads.
  await expect(page.getByLabel('SMS reminder').locator('option[value="default"]')).toHaveCount(0);

  await page.getByLabel('SMS reminder').selectOption({ label: '15 minutes before' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('join-link')).toContainText('/m/');
  await page.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByLabel('SMS reminder')).toHaveValue('15');
  await expect(page.getByLabel('Email reminder')).toHaveValue('60');
});

test('the Settings page sets the default reminders that new meetings take', async ({ page }) => {
  await logIn(page);
  await page.goto('/admin/settings');
  const field = page.getByLabel('Email reminder, minutes before the start');
  await expect(field).toHaveValue('1440');
  await field.fill('30');
  await page.getByTestId('settings-save').click();
  await expect(page.getByText('Settings saved. They apply now.')).toBeVisible();

  await page.goto('/meetings/new');
  await page.getByLabel('Meeting name').fill('Default reminders');
  await page.getByLabel('Date and time').fill('2030-06-11T09:00');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('join-link')).toContainText('/m/');
  await page.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByLabel('Email reminder')).toHaveValue('30');

  // Back to the configured default, so other specs see the usual settings.
  await page.goto('/admin/settings');
  await page.getByLabel('Email reminder, minutes before the start').fill('1440');
  await page.getByTestId('settings-save').click();
  await expect(page.getByText('Settings saved. They apply now.')).toBeVisible();
});
