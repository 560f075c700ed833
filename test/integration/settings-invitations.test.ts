import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdminSettings } from '../../src/shared/api.js';
import { databaseKinds } from '../support/harness.js';
import { startInvitationEnv, type InvitationEnv } from '../support/invitation-env.js';
import { fileUpload } from '../support/multipart.js';

function descriptionOf(mail: ParsedMail): string {
  const attachment = mail.attachments.find((a) => a.filename === 'invite.ics')!;
  const calendar = new ICAL.Component(ICAL.parse(attachment.content.toString('utf8')));
  return String(calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('description'));
}

describe.each(databaseKinds)('organization name and logo in invitations (%s)', (kind) => {
  let env: InvitationEnv;
  beforeEach(async () => {
    // The organizer is an admin, who changes the settings between two meetings.
    env = await startInvitationEnv(kind, 'admin');
  });
  afterEach(async () => {
    await env.close();
  });

  async function invite(guest: string) {
    const response = await env.t.app.inject({
      method: 'POST',
      url: '/api/meetings',
      headers: { cookie: env.organizer.cookie },
      payload: {
        name: 'Weekly sync',
        participants: [guest, '+34 612 345 678'],
        startsAt: '2030-03-05T10:00:00+01:00',
        timeZone: 'Europe/Madrid',
      },
    });
    expect(response.statusCode).toBe(201);
    await env.deliver();
    return env.smtp.messages.find((m) => m.envelope.to[0] === guest)!.parsed;
  }

  async function settings(payload: object): Promise<AdminSettings> {
    const response = await env.t.app.inject({
      method: 'PATCH',
      url: '/api/admin/settings',
      headers: { cookie: env.organizer.cookie },
      payload,
    });
    expect(response.statusCode).toBe(200);
    return response.json<AdminSettings>();
  }

  it('names the organization set by an admin in the next email, ICS and SMS, without a restart', async () => {
    const first = await invite('first@example.com');
    expect(first.text).toContain('Sent by Tertulia on behalf of Ana García.');

    await settings({ organizationName: 'Acme Ibérica' });
    const logo = await sharp({
      create: { width: 200, height: 200, channels: 4, background: '#1d4ed8' },
    })
      .png()
      .toBuffer();
    const upload = fileUpload(logo, { filename: 'logo.png', contentType: 'image/png' });
    const uploaded = await env.t.app.inject({
      method: 'POST',
      url: '/api/admin/settings/logo',
      headers: { cookie: env.organizer.cookie, ...upload.headers },
      payload: upload.payload,
    });
    expect(uploaded.statusCode).toBe(200);
    const logoPath = uploaded.json<AdminSettings>().settings.organizationLogoUrl!;

    const second = await invite('second@example.com');
    expect(second.text).toContain('Sent by Acme Ibérica on behalf of Ana García.');
    expect(second.html).toContain(`<img src="http://tertulia.test${logoPath}"`);
    expect(second.html).toContain('alt="Acme Ibérica"');
    expect(descriptionOf(second)).toContain('Sent by Acme Ibérica on behalf of Ana García.');
    // "García" makes the SMS UCS-2: with the join and answer links it takes three segments,
    // whose room is enough for the organization's name to lead, the one in effect at the time
    // (render-sms.test.ts shows it left out where it would cost a segment).
    const sms = env.smsReceived().map((m) => m.text);
    expect(sms).toHaveLength(2);
    expect(sms[0]).toMatch(/^Tertulia: Ana García invites you to "Weekly sync"/);
    expect(sms[1]).toMatch(/^Acme Ibérica: Ana García invites you to "Weekly sync"/);
  });
});
