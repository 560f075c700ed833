import { expect, test, type Page } from '@playwright/test';
import { e2eAdmin } from './fixtures.js';

// The browser lives in Madrid; the meeting is scheduled in New York time, so the list must
// convert it (09:00 EDT on 10 June 2030 is 15:00 CEST).
test.use({ timezoneId: 'Europe/Madrid', locale: 'en-US' });

async function logIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

test('an admin creates a member, who schedules a meeting with the keyboard and opens its link', async ({
  page,
}) => {
  const suffix = Date.now().toString(36);
  const member = {
    email: `carmen.${suffix}@example.org`,
    username: `carmen${suffix}`,
    displayName: 'Carmen Ruiz',
    password: 'carmen-password-1',
  };

  await logIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.getByRole('link', { name: 'Members' }).click();
  await page.getByLabel('Email').fill(member.email);
  await page.getByLabel('User name').fill(member.username);
  await page.getByLabel('Display name').fill(member.displayName);
  await page.getByLabel('Initial password').fill(member.password);
  await page.getByRole('button', { name: 'Create member' }).click();
  await expect(
    page.locator(`[data-testid="member-row"][data-username="${member.username}"]`),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).click();

  await logIn(page, member.email, member.password);
  await page.getByRole('button', { name: 'New meeting' }).click();
  await page.getByLabel('Meeting name').fill('Budget review');

  // Chips only by keyboard: type, then ENTER.
  const participants = page.getByLabel('Participants');
  await participants.focus();
  for (const entry of ['Guest@Example.com', '612 34 56 78', 'admin']) {
    await page.keyboard.type(entry);
    await page.keyboard.press('Enter');
  }
  const chips = page.getByTestId('participant-chip');
  await expect(chips).toHaveCount(3);
  await expect(chips.nth(0)).toHaveAttribute('data-kind', 'email');
  await expect(chips.nth(1)).toHaveAttribute('data-kind', 'phone');
  await expect(chips.nth(2)).toHaveAttribute('data-kind', 'member');
  for (let i = 0; i < 3; i += 1) await expect(chips.nth(i)).toHaveAttribute('data-status', 'ok');
  await expect(chips.nth(0)).toContainText('guest@example.com');
  await expect(chips.nth(1)).toContainText('+34612345678');

  await page.getByLabel('Date and time').fill('2030-06-10T09:00');
  await page.getByLabel('Time zone').selectOption('America/New_York');
  await page.getByLabel('Duration (minutes)').fill('60');
  await page.getByRole('button', { name: 'Save' }).click();

  // The meeting page shows the link; the list shows the meeting in the viewer's time.
  const joinLink = page.getByTestId('join-link');
  await expect(joinLink).toContainText('/m/');
  const joinUrl = (await joinLink.textContent())!.trim();
  await page.getByRole('link', { name: 'Meetings', exact: true }).click();
  const row = page.getByTestId('meeting-row').filter({ hasText: 'Budget review' });
  await expect(row).toContainText(/Jun 10, 2030,\s*3:00\s*–\s*4:00\s*PM/);
  await expect(row).toContainText('guest@example.com');

  await page.goto(joinUrl);
  await expect(page.getByTestId('join-info')).toContainText('Budget review');
  await expect(page.getByTestId('join-info')).toContainText('Carmen Ruiz');
});

test('a quick conference gives a link; the logged-in member who opens it goes straight in', async ({
  page,
}) => {
  await logIn(page, e2eAdmin.email, e2eAdmin.password);
  await page.getByRole('link', { name: 'Meetings', exact: true }).click();
  await page.getByRole('button', { name: 'Quick conference' }).click();
  const panel = page.getByTestId('quick-conference');
  const link = panel.getByTestId('join-link');
  await expect(link).toContainText('/m/');
  const joinUrl = (await link.textContent())!.trim();
  await page.goto(joinUrl);
  // A logged-in member skips the lobby (the manual's rule) and is in the room as themselves.
  await expect(page).toHaveURL(/\/room$/);
  await expect(page.locator('[data-testid="tile"][data-self="true"]')).toContainText(
    'Administrator',
  );
});

test('an unknown link gets a clear page', async ({ page }) => {
  await page.goto('/m/AAAAAAAAAAAAAAAAAAAAAA');
  await expect(page.getByTestId('join-not-found')).toBeVisible();
});

test('a member with 55 upcoming meetings sees the first 50 and loads the rest with the keyboard', async ({
  page,
  playwright,
  baseURL,
}) => {
  const suffix = Date.now().toString(36);
  const member = { email: `pablo.${suffix}@example.org`, password: 'pablo-password-1' };
  const api = await playwright.request.newContext({ baseURL });
  await api.post('/api/session', { data: e2eAdmin });
  const created = await api.post('/api/members', {
    data: { ...member, username: `pablo${suffix}`, displayName: 'Pablo Gil', role: 'member' },
  });
  expect(created.status()).toBe(201);
  await api.post('/api/session', { data: member });
  // Five meetings share each start time, so the page boundary falls inside a group.
  const firstStart = Date.now() + 86_400_000;
  for (let i = 0; i < 55; i += 1) {
    const startsAt = new Date(firstStart + Math.floor(i / 5) * 3_600_000).toISOString();
    const response = await api.post('/api/meetings', {
      data: { name: `Standup ${String(i).padStart(2, '0')}`, startsAt, timeZone: 'UTC' },
    });
    expect(response.status()).toBe(201);
  }
  await api.dispose();

  await logIn(page, member.email, member.password);
  const rows = page.getByTestId('meeting-row');
  await expect(rows).toHaveCount(50);
  const count = page.getByTestId('list-count');
  await expect(count).toHaveText('Showing the first 50 meetings; more can be loaded.');
  await expect(count).toHaveAttribute('aria-live', 'polite');

  const more = page.getByRole('button', { name: 'Show more meetings' });
  await more.focus();
  await page.keyboard.press('Enter');
  await expect(rows).toHaveCount(55);
  await expect(count).toHaveText('Showing all 55 meetings.');
  await expect(more).toHaveCount(0);
  const names = await page.getByTestId('meeting-row').locator('h3 a').allTextContents();
  expect(new Set(names).size).toBe(55);
});
