import { expect, test, type Page } from '@playwright/test';
import { appPort, e2eAdmin, mailboxPort, transportsPort } from './fixtures.js';

test.use({ timezoneId: 'Europe/Madrid', locale: 'en-US' });

/** "2030-06-10T09:00" for an instant, as a Madrid wall clock (what datetime-local takes). */
function madridWallClock(instant: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Madrid',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

async function logIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

interface Mailbox {
  emails: Array<{ to: string[]; subject: string; text: string }>;
}

test.describe('with SMTP and SMPP configured', () => {
  test.use({ baseURL: `http://localhost:${transportsPort}` });

  test('a guest opens the link from the email, gets the password wrong, then right, and joins', async ({
    page,
    browser,
  }) => {
    await logIn(page, e2eAdmin.email, e2eAdmin.password);
    await page.getByRole('link', { name: 'Meetings', exact: true }).click();
    await page.getByRole('button', { name: 'New meeting' }).click();
    await page.getByLabel('Meeting name').fill('Board review');
    const participants = page.getByLabel('Participants');
    await participants.fill('gina@example.com');
    await participants.press('Enter');
    // Starts in 5 minutes, so the lobby is open.
    await page.getByLabel('Date and time').fill(madridWallClock(new Date(Date.now() + 5 * 60_000)));
    await page.getByLabel('Time zone').selectOption('Europe/Madrid');
    await page.getByLabel('Protect with a password').check();
    await page.getByRole('button', { name: 'Save' }).click();
    const shown = page.getByTestId('meeting-password');
    await expect(shown).toHaveText(/^\d{8}$/);
    const password = (await shown.textContent())!;
    await expect(page.getByTestId('password-lock').first()).toBeVisible();

    // The invitation as Gina receives it.
    let invitation: Mailbox['emails'][number] | undefined;
    await expect
      .poll(async () => {
        const mailbox = (await (await fetch(`http://127.0.0.1:${mailboxPort}/`)).json()) as Mailbox;
        invitation = mailbox.emails.find(
          (m) => m.to.includes('gina@example.com') && m.subject.includes('Board review'),
        );
        return invitation !== undefined;
      })
      .toBe(true);
    expect(invitation!.text).toContain(password);
    const link = /http:\/\/localhost:\d+\/m\/[A-Za-z0-9_-]+/.exec(invitation!.text)![0];

    const guestContext = await browser.newContext({ timezoneId: 'Europe/Madrid' });
    const guest = await guestContext.newPage();
    await guest.goto(link);
    await guest.getByLabel('Your name').fill('Gina Guest');
    const field = guest.getByLabel('Meeting password');
    await field.fill(password === '00000000' ? '11111111' : '00000000');
    await guest.getByRole('button', { name: 'Join meeting' }).click();
    await expect(guest.getByText('That password is not right. Please try again.')).toBeVisible();
    await expect(guest).toHaveURL(link);

    await field.fill(password);
    await guest.getByRole('button', { name: 'Join meeting' }).click();
    await expect(guest).toHaveURL(`${link}/room`);
    await expect(guest.locator('[data-testid="tile"][data-self="true"]')).toContainText(
      'Gina Guest',
    );
    await guestContext.close();
  });
});

test.describe('in the member app', () => {
  test.use({ baseURL: `http://localhost:${appPort}` });

  test('a member finds no way to add a password', async ({ page, playwright }) => {
    const api = await playwright.request.newContext({ baseURL: `http://localhost:${appPort}` });
    await api.post('/api/session', { data: e2eAdmin });
    const suffix = Date.now().toString(36);
    const member = { email: `pablo.${suffix}@example.org`, password: 'pablo-password-1' };
    const created = await api.post('/api/members', {
      data: { ...member, username: `pablo${suffix}`, displayName: 'Pablo', role: 'member' },
    });
    expect(created.status()).toBe(201);
    await api.dispose();

    await logIn(page, member.email, member.password);
    await expect(page.getByRole('button', { name: 'Quick conference', exact: true })).toBeVisible();
    await expect(page.getByLabel('with password')).toHaveCount(0);
    await page.getByRole('button', { name: 'New meeting' }).click();
    await expect(page.getByLabel('Meeting name')).toBeVisible();
    await expect(page.getByLabel('Protect with a password')).toHaveCount(0);
    await expect(page.getByLabel('Password (digits, optional)')).toHaveCount(0);
  });
});
