import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxDetail, OutboxItem } from '../../src/shared/api.js';
import { databaseKinds, startTestApp, type TestApp } from '../support/harness.js';

// No transports configured: messages are rendered and kept for admins to read.
describe.each(databaseKinds)('outbox without transports (%s)', (kind) => {
  let t: TestApp;
  let adminCookie: string;
  let memberCookie: string;
  let meetingId: string;

  beforeAll(async () => {
    t = await startTestApp(kind);
    const admin = await t.createMember({ role: 'admin' });
    const member = await t.createMember();
    adminCookie = await t.login(admin.email, admin.password);
    memberCookie = await t.login(member.email, member.password);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: adminCookie },
      payload: {
        name: 'Planning <b>Q3</b>',
        participants: ['guest@example.com', '+34 612 345 678'],
        startsAt: '2030-03-05T10:00:00+01:00',
        timeZone: 'Europe/Madrid',
        // Invitations only here: reminders have tests of their own (reminders.test.ts).
        emailReminderMinutes: null,
        smsReminderMinutes: null,
      },
    });
    meetingId = (created.json() as { id: string }).id;
  });
  afterAll(async () => {
    await t.close();
  });

  async function items(query = ''): Promise<OutboxItem[]> {
    const response = await t.app.inject({
      url: `/api/outbox${query}`,
      headers: { cookie: adminCookie },
    });
    expect(response.statusCode).toBe(200);
    return (response.json() as { items: OutboxItem[] }).items;
  }

  it('keeps every rendered message as kept, one per participant', async () => {
    const kept = await items('?status=kept');
    expect(
      kept
        .filter((i) => i.meetingId === meetingId)
        .map((i) => [i.channel, i.to])
        .sort(),
    ).toEqual([
      ['email', 'guest@example.com'],
      ['sms', '+34612345678'],
    ]);
    expect(await items('?status=sent')).toEqual([]);
  });

  it('the worker leaves kept messages alone', async () => {
    await t.services.worker.drain();
    expect((await items('?status=kept')).length).toBe(2);
  });

  it('shows an email with its HTML, text and ICS, and an SMS with its text', async () => {
    const all = await items();
    const email = all.find((i) => i.channel === 'email')!;
    const detail = (
      await t.app.inject({ url: `/api/outbox/${email.id}`, headers: { cookie: adminCookie } })
    ).json() as OutboxDetail;
    expect(detail.email!.subject).toContain('Planning <b>Q3</b>');
    expect(detail.email!.html).toContain('Planning &lt;b&gt;Q3&lt;/b&gt;');
    expect(detail.email!.ics).toContain('METHOD:REQUEST');
    const sms = all.find((i) => i.channel === 'sms')!;
    const smsDetail = (
      await t.app.inject({ url: `/api/outbox/${sms.id}`, headers: { cookie: adminCookie } })
    ).json() as OutboxDetail;
    expect(smsDetail.sms!.text).toContain('http://tertulia.test/m/');
    expect(smsDetail.email).toBeNull();
  });

  it('downloads the ICS and serves the HTML preview under its own strict CSP', async () => {
    const email = (await items()).find((i) => i.channel === 'email')!;
    const ics = await t.app.inject({
      url: `/api/outbox/${email.id}/invite.ics`,
      headers: { cookie: adminCookie },
    });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.headers['content-disposition']).toContain('invite.ics');
    expect(ics.body).toContain('BEGIN:VCALENDAR');

    const preview = await t.app.inject({
      url: `/api/outbox/${email.id}/preview.html`,
      headers: { cookie: adminCookie },
    });
    expect(preview.statusCode).toBe(200);
    expect(preview.headers['content-type']).toContain('text/html');
    expect(preview.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data: http://tertulia.test/logos/; sandbox; frame-ancestors 'self'",
    );
    expect(preview.body).toContain('Planning &lt;b&gt;Q3&lt;/b&gt;');
  });

  it('an SMS has no ICS or preview', async () => {
    const sms = (await items()).find((i) => i.channel === 'sms')!;
    for (const suffix of ['invite.ics', 'preview.html']) {
      const response = await t.app.inject({
        url: `/api/outbox/${sms.id}/${suffix}`,
        headers: { cookie: adminCookie },
      });
      expect(response.statusCode).toBe(404);
    }
  });

  it.each([
    '/api/outbox',
    '/api/outbox/x',
    '/api/outbox/x/invite.ics',
    '/api/outbox/x/preview.html',
  ])('%s is for admins only: 403 for a member, 401 without a session', async (url) => {
    expect((await t.app.inject({ url, headers: { cookie: memberCookie } })).statusCode).toBe(403);
    expect((await t.app.inject({ url })).statusCode).toBe(401);
  });

  it('rejects an unknown state filter with VALIDATION', async () => {
    const response = await t.app.inject({
      url: '/api/outbox?status=lost',
      headers: { cookie: adminCookie },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION' });
  });
});
