import { describe, expect, it } from 'vitest';
import type { InvitationContent, InvitationKind } from './content.js';
import { renderSms } from './render-sms.js';
import { countSegments, DATA_CODING_GSM7, encodeSms } from './sms-encoding.js';

const link = 'https://meet.example.com/m/q7Yk2LmN0pRsTuVwXyZa1B';

function content(
  overrides: {
    kind?: InvitationKind;
    language?: 'en' | 'es';
    password?: string | null;
    organizer?: string;
    organization?: string;
    timeZone?: string;
  } = {},
): InvitationContent {
  return {
    kind: overrides.kind ?? 'invite',
    language: overrides.language ?? 'en',
    meeting: {
      id: 'meeting-1',
      name: 'Weekly sync',
      startsAt: '2030-03-05T09:00:00.000Z',
      durationMinutes: 30,
      timeZone: overrides.timeZone ?? 'Europe/Madrid',
      joinUrl: link,
      sequence: 0,
      password: overrides.password ?? null,
    },
    organizer: { displayName: overrides.organizer ?? 'Ana Lopez', email: 'ana@example.org' },
    attendeeEmails: [],
    domain: 'meet.example.com',
    organization: { name: overrides.organization ?? 'Tertulia', logoUrl: null },
  };
}

describe('renderSms', () => {
  it("ends invitations and updates with the invitee's answer link, never a cancellation", () => {
    const rsvpUrl = 'https://meet.example.com/r/RSVP-LINK-TOKEN-SLOT-0';
    const answerable = (kind: InvitationKind, language: 'en' | 'es' = 'en') =>
      renderSms({ ...content({ kind, language }), rsvpUrl }, '+34612345678').text;
    expect(answerable('invite')).toMatch(
      /\nWill you come\? Answer: https:\/\/meet\.example\.com\/r\/\S+$/,
    );
    expect(answerable('update', 'es')).toMatch(/\n¿Vienes\? Responde: https:\/\/\S+$/);
    expect(answerable('cancel')).not.toContain('/r/');
    // GSM-7 only: the link costs segments, never the cheaper alphabet.
    expect(encodeSms(answerable('invite', 'es')).dataCoding).toBe(DATA_CODING_GSM7);
  });

  it.each([
    [
      'en',
      'invite',
      `Tertulia: Ana Lopez invites you to "Weekly sync" on Tue 5 Mar 2030, 10:00 (Europe/Madrid). Join: ${link}`,
    ],
    [
      'en',
      'update',
      `Tertulia: Updated: "Weekly sync" is now on Tue 5 Mar 2030, 10:00 (Europe/Madrid). Join: ${link}`,
    ],
    [
      'en',
      'cancel',
      'Tertulia: Cancelled: "Weekly sync" on Tue 5 Mar 2030, 10:00 (Europe/Madrid) by Ana Lopez.',
    ],
    [
      'es',
      'invite',
      `Tertulia: Ana Lopez te invita a "Weekly sync" el mar 5 mar 2030, 10:00 (Europe/Madrid). Entra: ${link}`,
    ],
    [
      'es',
      'update',
      `Tertulia: Cambio: "Weekly sync" pasa al mar 5 mar 2030, 10:00 (Europe/Madrid). Entra: ${link}`,
    ],
    [
      'es',
      'cancel',
      'Tertulia: Cancelada: "Weekly sync" del mar 5 mar 2030, 10:00 (Europe/Madrid), por Ana Lopez.',
    ],
  ] as const)(
    'writes the %s %s in one GSM-7 segment, led by the organization',
    (language, kind, expected) => {
      const message = renderSms(content({ language, kind }), '+34612345678');
      expect(message).toEqual({ channel: 'sms', to: '+34612345678', text: expected });
      expect(encodeSms(message.text).dataCoding).toBe(DATA_CODING_GSM7);
      expect(countSegments(message.text)).toBe(1);
    },
  );

  it.each([
    ['en', 'invite', '\nPassword: 48213907'],
    ['en', 'update', '\nPassword: 48213907'],
    ['es', 'invite', '\nContraseña: 48213907'],
    ['es', 'update', '\nContraseña: 48213907'],
  ] as const)(
    'adds the password to the %s %s and still fits one segment',
    (language, kind, line) => {
      const { text } = renderSms(content({ language, kind, password: '48213907' }), '+34612345678');
      expect(text.endsWith(`${link}${line}`)).toBe(true);
      expect(countSegments(text)).toBe(1);
    },
  );

  it.each(['en', 'es'] as const)('leaves the password out of a %s cancellation', (language) => {
    const { text } = renderSms(
      content({ language, kind: 'cancel', password: '48213907' }),
      '+34612345678',
    );
    expect(text).not.toContain('48213907');
  });

  it.each(['en', 'es'] as const)('writes no password line in %s when there is none', (language) => {
    const { text } = renderSms(content({ language }), '+34612345678');
    expect(text).not.toContain('\n');
    expect(text).not.toMatch(/Password|Contraseña/);
  });

  it('keeps an accented organizer name intact, which makes the text UCS-2', () => {
    const { text } = renderSms(content({ organizer: 'Ana García' }), '+34612345678');
    expect(text).toContain('Ana García invites you to "Weekly sync"');
    expect(encodeSms(text).dataCoding).toBe(0x08);
  });

  it("leads with the organization's name only when that costs no extra segment", () => {
    const short = renderSms(content({ organization: 'Acme Ibérica' }), '+34612345678').text;
    expect(short.startsWith('Acme Ibérica: Ana Lopez invites you')).toBe(true);
    const long = renderSms(
      content({ organization: 'A very long organization name, S.L.' }),
      '+34612345678',
    ).text;
    expect(long.startsWith('Ana Lopez invites you')).toBe(true);
    expect(countSegments(long)).toBe(1);
  });

  it('writes the time in the meeting zone and names that zone', () => {
    const { text } = renderSms(content({ timeZone: 'America/New_York' }), '+15551234567');
    expect(text).toContain('on Tue 5 Mar 2030, 04:00 (America/New_York).');
  });
});
