import { expect, test, type Page } from '@playwright/test';
import { e2eAdmin, mailboxPort, transportsPort } from './fixtures.js';

test.use({
  timezoneId: 'Europe/Madrid',
  locale: 'en-US',
  baseURL: `http://localhost:${transportsPort}`,
});

interface Mailbox {
  emails: Array<{ to: string[]; subject: string; text: string }>;
}

async function logIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(e2eAdmin.email);
  await page.getByLabel('Password').fill(e2eAdmin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

test('a guest answers Yes from the link in their email, and the organizer sees it', async ({
  page,
  browser,
}) => {
  const guestAddress = `rsvp.${Date.now().toString(36)}@example.com`;
  await logIn(page);
  await page.getByRole('link', { name: 'Meetings', exact: true }).click();
  await page.getByRole('button', { name: 'New meeting' }).click();
  await page.getByLabel('Meeting name').fill('Answer check');
  const participants = page.getByLabel('Participants');
  await participants.fill(guestAddress);
  await participants.press('Enter');
  await page.getByLabel('Date and time').fill('2030-09-15T10:00');
  await page.getByLabel('Time zone').selectOption('Europe/Madrid');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('join-link')).toContainText('/m/');
  const meetingPage = page.url();
  const answerCell = page
    .locator(`[data-testid="delivery-row"][data-address="${guestAddress}"]`)
    .getByTestId('invitee-answer');
  await expect(answerCell).toHaveText('No answer');

  // The invitation as the guest receives it, with their personal answer link.
  let text = '';
  await expect
    .poll(async () => {
      const mailbox = (await (await fetch(`http://127.0.0.1:${mailboxPort}/`)).json()) as Mailbox;
      text = mailbox.emails.find((m) => m.to.includes(guestAddress))?.text ?? '';
      return text;
    })
    .toContain('/r/');
  const link = /http:\/\/localhost:\d+\/r\/[A-Za-z0-9_-]{22}/.exec(text)![0];

  const guestContext = await browser.newContext({
    timezoneId: 'America/New_York',
    locale: 'en-US',
  });
  const guest = await guestContext.newPage();
  await guest.goto(link);
  await expect(guest.getByRole('heading', { name: 'Answer check' })).toBeVisible();
  // The time in the meeting's zone, as the invitation said it.
  await expect(guest.getByText('(Europe/Madrid)')).toBeVisible();
  await expect(guest.getByTestId('rsvp-current')).toHaveText('You have not answered yet.');
  const yes = guest.getByRole('button', { name: 'Yes' });
  await expect(yes).toHaveAttribute('aria-pressed', 'false');
  await yes.click();
  await expect(yes).toHaveAttribute('aria-pressed', 'true');
  await expect(guest.getByRole('status').filter({ hasText: 'Thank you' })).toHaveText(
    'Thank you: the organizer now knows you will come.',
  );
  await expect(guest.getByRole('link', { name: 'Google Calendar' })).toHaveAttribute(
    'href',
    /calendar\.google\.com/,
  );
  await guestContext.close();

  await page.goto(meetingPage);
  await expect(answerCell).toHaveText('Yes');
  await expect(answerCell).toHaveAttribute('data-response', 'yes');
  await page.getByRole('link', { name: 'Meetings', exact: true }).click();
  await expect(
    page
      .getByTestId('meeting-row')
      .filter({ hasText: 'Answer check' })
      .first()
      .getByTestId('answer-counts'),
  ).toContainText('1 yes · 0 no · 0 maybe');
});

test('a wrong answer link says so', async ({ page }) => {
  await page.goto('/r/AAAAAAAAAAAAAAAAAAAAAA');
  await expect(page.getByRole('alert')).toContainText('This answer link is not valid');
});
