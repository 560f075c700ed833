import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import type { InvitationContent, InvitationKind } from './content.js';
import { renderEmail } from './render-email.js';

const JOIN_URL = 'https://meet.example.com/j/abcdef?x=1&y=2';

function invitation(
  meeting: Partial<InvitationContent['meeting']> = {},
  rest: Partial<Omit<InvitationContent, 'meeting'>> = {},
): InvitationContent {
  return {
    kind: 'invite',
    language: 'en',
    meeting: {
      id: 'mtg_123',
      name: 'Weekly sync',
      // Tuesday 5 March 2030, 10:00 in Madrid (CET, UTC+1).
      startsAt: '2030-03-05T09:00:00.000Z',
      durationMinutes: 90,
      timeZone: 'Europe/Madrid',
      joinUrl: JOIN_URL,
      sequence: 2,
      password: null,
      ...meeting,
    },
    organizer: { displayName: 'Ana Gómez', email: 'ana@example.com' },
    attendeeEmails: ['bob@example.org'],
    domain: 'meet.example.com',
    organization: { name: 'Tertulia', logoUrl: null },
    ...rest,
  };
}

function render(content: InvitationContent) {
  const message = renderEmail(content, 'bob@example.org', '<out_1@meet.example.com>');
  // Some ICU versions put a narrow no-break space before AM/PM; the words are what matter here.
  const plain = (s: string) => s.replace(/\u202f/g, ' ');
  return { ...message, text: plain(message.text), html: plain(message.html) };
}

const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);

function icsOf(ics: string | undefined) {
  if (ics === undefined) throw new Error('the invitation carries no ICS');
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return {
    method: calendar.getFirstPropertyValue('method'),
    event: calendar.getFirstSubcomponent('vevent')!,
  };
}

describe('renderEmail', () => {
  it.each<[InvitationContent['language'], InvitationKind, string]>([
    ['en', 'invite', 'Invitation: Weekly sync — Tue 5 Mar 2030 10:00 (Europe/Madrid)'],
    ['en', 'update', 'Updated invitation: Weekly sync — Tue 5 Mar 2030 10:00 (Europe/Madrid)'],
    ['en', 'cancel', 'Cancelled: Weekly sync — Tue 5 Mar 2030 10:00 (Europe/Madrid)'],
    ['es', 'invite', 'Invitación: Weekly sync — mar 5 mar 2030 10:00 (Europe/Madrid)'],
    ['es', 'update', 'Invitación actualizada: Weekly sync — mar 5 mar 2030 10:00 (Europe/Madrid)'],
    ['es', 'cancel', 'Cancelada: Weekly sync — mar 5 mar 2030 10:00 (Europe/Madrid)'],
  ])('writes the %s %s subject as %j', (language, kind, subject) => {
    expect(render(invitation({}, { language, kind })).subject).toBe(subject);
  });

  it('writes an English invitation with every fact in both parts', () => {
    const message = render(invitation({ password: '04812345' }));

    expect(message).toMatchObject({
      channel: 'email',
      to: 'bob@example.org',
      messageId: '<out_1@meet.example.com>',
      icsMethod: 'REQUEST',
    });
    expect(message.text).toBe(
      [
        'Ana Gómez has invited you to a meeting',
        '',
        'Meeting: Weekly sync',
        'When: Tuesday, March 5, 2030 at 10:00 AM (Central European Time, Europe/Madrid)',
        'Duration: 1 hour, 30 minutes',
        'Organizer: Ana Gómez <ana@example.com>',
        '',
        `Join link: ${JOIN_URL}`,
        'Password: 04812345',
        'You will be asked for this password when you join.',
        '',
        'The attached invite.ics adds the meeting to your calendar.',
        '',
        '-- ',
        'Sent by Tertulia on behalf of Ana Gómez.',
        '',
      ].join('\n'),
    );
    expect(message.html).toContain('<html lang="en">');
    expect(message.html).toContain('>Ana Gómez has invited you to a meeting<');
    expect(message.html).toContain('>Weekly sync<');
    expect(message.html).toContain(
      '>Tuesday, March 5, 2030 at 10:00 AM (Central European Time, Europe/Madrid)<',
    );
    expect(message.html).toContain('>1 hour, 30 minutes<');
    expect(message.html).toContain('>Ana Gómez &lt;ana@example.com&gt;<');
    expect(message.html).toContain('>04812345<');
    expect(message.html).toContain('>Join the meeting</a>');
    // The button and the copyable link, both with the URL's & escaped inside the attribute.
    expect(hrefs(message.html)).toEqual([
      'https://meet.example.com/j/abcdef?x=1&amp;y=2',
      'https://meet.example.com/j/abcdef?x=1&amp;y=2',
    ]);
    expect(message.html).toContain('>https://meet.example.com/j/abcdef?x=1&amp;y=2</a>');
  });

  it('writes a Spanish invitation with the date, zone and duration in Spanish', () => {
    const message = render(invitation({ password: '04812345' }, { language: 'es' }));

    expect(message.text).toContain('Ana Gómez te ha invitado a una reunión\n');
    expect(message.text).toContain(
      'Cuándo: martes, 5 de marzo de 2030, 10:00 (hora de Europa central, Europe/Madrid)\n',
    );
    expect(message.text).toContain('Duración: 1 hora y 30 minutos\n');
    expect(message.text).toContain('Organiza: Ana Gómez <ana@example.com>\n');
    expect(message.text).toContain(`Enlace para unirse: ${JOIN_URL}\n`);
    expect(message.text).toContain('Contraseña: 04812345\n');
    expect(message.html).toContain('<html lang="es">');
    expect(message.html).toContain('>Unirse a la reunión</a>');
    expect(message.html).toContain('>Contraseña<');
    expect(icsOf(message.ics ?? '').event.getFirstPropertyValue('description')).toContain(
      'Contraseña: 04812345',
    );
  });

  it('leaves the password out when the meeting has none', () => {
    for (const language of ['en', 'es'] as const) {
      const message = render(invitation({ password: null }, { language }));
      expect(message.text).not.toMatch(/Password|Contraseña/);
      expect(message.html).not.toMatch(/Password|Contraseña/);
      expect(message.html).toContain(`href="https://meet.example.com/j/abcdef?x=1&amp;y=2"`);
    }
  });

  it('says an update changed the meeting and carries a REQUEST with the new sequence', () => {
    const message = render(invitation({ sequence: 5 }, { kind: 'update' }));
    const { method, event } = icsOf(message.ics ?? '');

    expect(message.text).toMatch(/^Ana Gómez has changed a meeting you are invited to\n/);
    expect(message.icsMethod).toBe('REQUEST');
    expect(method).toBe('REQUEST');
    expect(event.getFirstPropertyValue('sequence')).toBe(5);
    expect(event.getFirstPropertyValue('uid')).toBe('mtg_123@meet.example.com');
  });

  it.each(['en', 'es'] as const)(
    'writes a %s cancellation with no way to join and a CANCEL calendar object',
    (language) => {
      const message = render(invitation({ password: '04812345' }, { language, kind: 'cancel' }));
      const { method, event } = icsOf(message.ics ?? '');
      const cancelled =
        language === 'en'
          ? 'This meeting has been cancelled and will not take place.'
          : 'Esta reunión se ha cancelado y no se celebrará.';

      expect(message.text).toContain(`\n${cancelled}\n`);
      expect(message.html).toContain(`>${cancelled}<`);
      expect(message.html).toContain('text-decoration:line-through;');
      expect(hrefs(message.html)).toEqual([]);
      for (const part of [message.text, message.html]) {
        expect(part).not.toContain('meet.example.com/j/');
        expect(part).not.toContain('04812345');
        expect(part).not.toMatch(/Join the meeting|Unirse a la reunión/);
      }
      expect(message.icsMethod).toBe('CANCEL');
      expect(method).toBe('CANCEL');
      expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    },
  );

  it('escapes every dynamic value in the HTML and keeps it verbatim in the text', () => {
    const name = `<script>alert("x")</script> & 'friends'`;
    const organizer = { displayName: '<img src=x onerror=alert(1)>', email: 'a"b@example.com' };
    const message = render(invitation({ name, password: '1234' }, { organizer }));

    expect(message.html).not.toMatch(/<script|<img|onerror=alert\(1\)>/);
    expect(message.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39;',
    );
    expect(message.html).toContain(
      '&lt;img src=x onerror=alert(1)&gt; &lt;a&quot;b@example.com&gt;',
    );
    expect(message.html).toContain(`<title>Invitation: ${'&lt;script&gt;'}`);
    expect(message.text).toContain(`Meeting: ${name}\n`);
    expect(message.text).toContain(`Organizer: ${organizer.displayName} <a"b@example.com>\n`);
    expect(message.subject).toBe(`Invitation: ${name} — Tue 5 Mar 2030 10:00 (Europe/Madrid)`);
  });

  it('keeps a line break in the meeting name out of the subject', () => {
    const message = render(invitation({ name: 'Weekly\r\nBcc: everyone@example.com' }));

    expect(message.subject).toBe(
      'Invitation: Weekly Bcc: everyone@example.com — Tue 5 Mar 2030 10:00 (Europe/Madrid)',
    );
  });

  it('writes the local time on both sides of a DST change', () => {
    const madrid = render(
      invitation({ startsAt: '2030-03-31T00:30:00.000Z', durationMinutes: 120 }),
    );
    const newYork = render(
      invitation(
        { startsAt: '2030-03-10T06:30:00.000Z', timeZone: 'America/New_York', durationMinutes: 60 },
        { language: 'es' },
      ),
    );

    expect(madrid.text).toContain(
      'When: Sunday, March 31, 2030 at 1:30 AM (Central European Time, Europe/Madrid)\n',
    );
    expect(madrid.text).toContain('Duration: 2 hours\n');
    expect(madrid.subject).toBe('Invitation: Weekly sync — Sun 31 Mar 2030 01:30 (Europe/Madrid)');
    expect(newYork.text).toContain(
      'Cuándo: domingo, 10 de marzo de 2030, 1:30 (hora oriental, America/New_York)\n',
    );
    expect(newYork.subject).toBe(
      'Invitación: Weekly sync — dom 10 mar 2030 01:30 (America/New_York)',
    );
  });

  it('names the organization in the footer and heads the HTML with its logo, or its name', () => {
    const logoUrl = 'https://meet.example.com/logos/5d0c3d1e-0000-4000-8000-000000000001.png';
    const withLogo = render(invitation({}, { organization: { name: 'Acme & Co', logoUrl } }));
    expect(withLogo.text).toContain('-- \nSent by Acme & Co on behalf of Ana Gómez.\n');
    expect(withLogo.html).toContain(
      `<img src="${logoUrl}" width="180" height="60" alt="Acme &amp; Co"`,
    );
    const es = render(
      invitation({}, { language: 'es', organization: { name: 'Acme', logoUrl: null } }),
    );
    expect(es.text).toContain('Enviado por Acme en nombre de Ana Gómez.');
    expect(es.html).not.toContain('<img');
    expect(es.html).toContain('font-weight:bold;color:#111827;">Acme</td>');
  });

  it("offers the invitee's answer link in both parts, but not in a cancellation", () => {
    const rsvpUrl = 'https://meet.example.com/r/q7Yk2LmN0pRsTuVwXyZa1B';
    const invite = render(invitation({}, { rsvpUrl }));
    expect(invite.text).toContain(
      `Will you come? Let the organizer know (Yes, No or Maybe):\n${rsvpUrl}\n`,
    );
    expect(hrefs(invite.html)).toContain(rsvpUrl);
    const spanish = render(invitation({}, { rsvpUrl, language: 'es' }));
    expect(spanish.text).toContain('¿Vendrás? Díselo a quien organiza (Sí, No o Quizás):');
    const cancel = render(invitation({}, { rsvpUrl, kind: 'cancel' }));
    expect(cancel.text).not.toContain(rsvpUrl);
    expect(cancel.html).not.toContain(rsvpUrl);
  });

  it('refuses a logo URL that is not http(s)', () => {
    expect(() =>
      render(invitation({}, { organization: { name: 'Acme', logoUrl: 'javascript:alert(1)' } })),
    ).toThrow(RangeError);
  });

  it('refuses a join link that is not http(s)', () => {
    expect(() => render(invitation({ joinUrl: 'javascript:alert(1)' }))).toThrow(RangeError);
  });
});
