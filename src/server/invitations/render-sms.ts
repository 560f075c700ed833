/**
 * The SMS an invitee receives, in the organizer's language, led by the organization's name
 * (admin settings) when it fits. One short plain-text sentence with
 * the date in the meeting's zone (zone spelled out), the link and the password when there is
 * one. The templates use only GSM 03.38 characters (straight quotes, no dashes, no "reunión")
 * so a typical invitation fits one 160-septet SMS; names with characters outside that alphabet
 * (María, García) switch the whole text to UCS-2, which costs more segments but keeps them intact.
 */
import type { InvitationContent } from './content.js';
import { shortDateParts } from './email-text.js';
import type { SmsMessage } from './messages.js';
import { countSegments } from './sms-encoding.js';

type Language = InvitationContent['language'];

interface SmsFacts {
  organizer: string;
  name: string;
  when: string;
  link: string;
}

interface SmsText {
  invite: (f: SmsFacts) => string;
  update: (f: SmsFacts) => string;
  cancel: (f: SmsFacts) => string;
  password: string;
  /** Before the personal answer link. */
  rsvp: string;
}

// The link always ends a sentence without a full stop after it, so no handset's link detection
// takes the stop for part of the URL.
const TEXTS: Record<Language, SmsText> = {
  en: {
    invite: (f) => `${f.organizer} invites you to "${f.name}" on ${f.when}. Join: ${f.link}`,
    update: (f) => `Updated: "${f.name}" is now on ${f.when}. Join: ${f.link}`,
    cancel: (f) => `Cancelled: "${f.name}" on ${f.when} by ${f.organizer}.`,
    password: 'Password',
    rsvp: 'Will you come? Answer',
  },
  es: {
    invite: (f) => `${f.organizer} te invita a "${f.name}" el ${f.when}. Entra: ${f.link}`,
    update: (f) => `Cambio: "${f.name}" pasa al ${f.when}. Entra: ${f.link}`,
    cancel: (f) => `Cancelada: "${f.name}" del ${f.when}, por ${f.organizer}.`,
    password: 'Contraseña',
    rsvp: '¿Vienes? Responde',
  },
};

/** "Tue 3 Mar 2030, 10:00 (Europe/Madrid)": GSM-7 only, 24-hour in both languages. */
export function formatSmsDateTime(instant: Date, language: Language, timeZone: string): string {
  const { date, time } = shortDateParts(instant, language, timeZone);
  return `${date}, ${time} (${timeZone})`;
}

export function renderSms(content: InvitationContent, to: string): SmsMessage {
  const { meeting } = content;
  const texts = TEXTS[content.language];
  const facts: SmsFacts = {
    organizer: content.organizer.displayName,
    name: meeting.name,
    when: formatSmsDateTime(new Date(meeting.startsAt), content.language, meeting.timeZone),
    link: meeting.joinUrl,
  };
  let text = texts[content.kind](facts);
  // A cancelled meeting cannot be joined, so its password would only be noise.
  if (meeting.password !== null && content.kind !== 'cancel') {
    text += `\n${texts.password}: ${meeting.password}`;
  }
  if (content.rsvpUrl && content.kind !== 'cancel') text += `\n${texts.rsvp}: ${content.rsvpUrl}`;
  // The organization first, as companies' texts do: the sender id (SMS_FROM, often a bare
  // number) does not say who writes. But only when it costs no extra segment, as each is paid.
  const branded = `${content.organization.name}: ${text}`;
  if (countSegments(branded) <= countSegments(text)) text = branded;
  return { channel: 'sms', to, text };
}
