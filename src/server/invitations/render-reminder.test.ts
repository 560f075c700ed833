import { describe, expect, it } from 'vitest';
import { renderReminderEmail, renderReminderSms, type ReminderContent } from './render-reminder.js';
import { countSegments } from './sms-encoding.js';

function content(
  overrides: Partial<ReminderContent['meeting']> = {},
  language: 'en' | 'es' = 'en',
): ReminderContent {
  return {
    language,
    meeting: {
      id: 'mtg_1',
      name: 'Budget <review>',
      startsAt: '2030-03-05T09:00:00.000Z',
      durationMinutes: 45,
      timeZone: 'Europe/Madrid',
      joinUrl: 'https://meet.example.com/m/abc',
      sequence: 2,
      password: null,
      ...overrides,
    },
    organizer: { displayName: 'Ana Gómez', email: 'ana@example.com' },
    organization: { name: 'Acme', logoUrl: null },
    domain: 'meet.example.com',
  };
}

describe('reminder email', () => {
  it('says when in the meeting zone, with the link, and no calendar part', () => {
    const mail = renderReminderEmail(content(), 'guest@example.com');
    expect(mail.subject).toBe('Reminder: Budget <review> — Tue 5 Mar 2030 10:00 (Europe/Madrid)');
    expect(mail.text).toMatch(/^Ana Gómez reminds you of this meeting\.\n/);
    expect(mail.text).toContain('When: Tuesday, March 5, 2030 at 10:00');
    expect(mail.text).toContain('Join link: https://meet.example.com/m/abc\n');
    expect(mail.text).not.toMatch(/Password/);
    expect(mail.html).toContain('Budget &lt;review&gt;');
    expect(mail.html).not.toContain('<review>');
    expect(mail.ics).toBeNull();
  });

  it('speaks Spanish for a Spanish organizer and carries the password when there is one', () => {
    const mail = renderReminderEmail(content({ password: '04812345' }, 'es'), 'g@example.com');
    expect(mail.subject).toMatch(/^Recordatorio: Budget <review> — /);
    expect(mail.text).toContain('Ana Gómez te recuerda esta reunión.');
    expect(mail.text).toContain('Contraseña: 04812345\n');
    expect(mail.html).toContain('04812345');
  });
});

describe('reminder SMS', () => {
  it('is one short segment with the time, the zone and the link', () => {
    const sms = renderReminderSms(content({ name: 'Budget' }), '+34612345678');
    expect(sms.text).toBe(
      'Acme: Reminder: "Budget" starts on Tue 5 Mar 2030, 10:00 (Europe/Madrid). Join: https://meet.example.com/m/abc',
    );
    expect(countSegments(sms.text)).toBe(1);
  });

  it('adds the password on its own line, in Spanish too', () => {
    const sms = renderReminderSms(
      content({ name: 'Budget', password: '123456' }, 'es'),
      '+34600000000',
    );
    expect(sms.text).toMatch(/^(Acme: )?Recordatorio: "Budget" empieza el /);
    expect(sms.text).toMatch(/\nContraseña: 123456$/);
  });
});
