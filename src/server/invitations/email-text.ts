/**
 * The words of invitation emails and of the ICS description, in the languages an organizer can
 * choose. Every entry is plain text: the HTML renderer escapes whole sentences after the values
 * are filled in, so no string here may carry markup.
 */
import { dateTimeFormat, numberFormat, listFormat } from '../intl-formats.js';
import type { InvitationContent, InvitationKind } from './content.js';

export type EmailLanguage = InvitationContent['language'];

export interface EmailText {
  /** Subject prefix, before ": <meeting name> — <date>". */
  subject: Record<InvitationKind, string>;
  /** First line of the body, naming who sent it. */
  heading: Record<InvitationKind, (organizer: string) => string>;
  cancelled: string;
  labels: {
    meeting: string;
    organizer: string;
    when: string;
    duration: string;
    link: string;
    password: string;
  };
  joinButton: string;
  linkFallback: string;
  passwordHint: string;
  calendarHint: Record<'REQUEST' | 'CANCEL', string>;
  /** Above the personal answer link: will you come? */
  rsvpPrompt: string;
  rsvpButton: string;
  /** Names who sends it: the organization (admin settings) for the organizer. */
  footer: (organizer: string, organization: string) => string;
}

const en: EmailText = {
  subject: { invite: 'Invitation', update: 'Updated invitation', cancel: 'Cancelled' },
  heading: {
    invite: (organizer) => `${organizer} has invited you to a meeting`,
    update: (organizer) => `${organizer} has changed a meeting you are invited to`,
    cancel: (organizer) => `${organizer} has cancelled a meeting`,
  },
  cancelled: 'This meeting has been cancelled and will not take place.',
  labels: {
    meeting: 'Meeting',
    organizer: 'Organizer',
    when: 'When',
    duration: 'Duration',
    link: 'Join link',
    password: 'Password',
  },
  joinButton: 'Join the meeting',
  linkFallback: 'If the button does not work, open this link in your browser:',
  passwordHint: 'You will be asked for this password when you join.',
  calendarHint: {
    REQUEST: 'The attached invite.ics adds the meeting to your calendar.',
    CANCEL: 'The attached invite.ics removes the meeting from your calendar.',
  },
  rsvpPrompt: 'Will you come? Let the organizer know (Yes, No or Maybe):',
  rsvpButton: 'Answer',
  footer: (organizer, organization) => `Sent by ${organization} on behalf of ${organizer}.`,
};

const es: EmailText = {
  subject: { invite: 'Invitación', update: 'Invitación actualizada', cancel: 'Cancelada' },
  heading: {
    invite: (organizer) => `${organizer} te ha invitado a una reunión`,
    update: (organizer) => `${organizer} ha cambiado una reunión a la que te invitó`,
    cancel: (organizer) => `${organizer} ha cancelado una reunión`,
  },
  cancelled: 'Esta reunión se ha cancelado y no se celebrará.',
  labels: {
    meeting: 'Reunión',
    // "Organiza" rather than "Organizador/a": it reads naturally whoever organizes.
    organizer: 'Organiza',
    when: 'Cuándo',
    duration: 'Duración',
    link: 'Enlace para unirse',
    password: 'Contraseña',
  },
  joinButton: 'Unirse a la reunión',
  linkFallback: 'Si el botón no funciona, abre este enlace en tu navegador:',
  passwordHint: 'Te pedirán esta contraseña al entrar.',
  calendarHint: {
    REQUEST: 'El archivo adjunto invite.ics añade la reunión a tu calendario.',
    CANCEL: 'El archivo adjunto invite.ics quita la reunión de tu calendario.',
  },
  rsvpPrompt: '¿Vendrás? Díselo a quien organiza (Sí, No o Quizás):',
  rsvpButton: 'Responder',
  footer: (organizer, organization) => `Enviado por ${organization} en nombre de ${organizer}.`,
};

const TEXTS: Record<EmailLanguage, EmailText> = { en, es };

export function emailText(language: EmailLanguage): EmailText {
  return TEXTS[language];
}

/**
 * The pieces of a short 24-hour date ("Tue", "5", "Mar", "2030", "10:00") in the meeting's zone.
 * Built from the formatter's parts rather than its whole output: locales put no-break spaces in
 * their punctuation, which subjects do not need and which push an SMS out of GSM-7.
 */
export function shortDateParts(instant: Date, language: EmailLanguage, timeZone: string) {
  const parts = dateTimeFormat(language, {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`,
    time: `${part('hour')}:${part('minute')}`,
  };
}

/** "Tue 5 Mar 2030 10:00": short enough for a subject line, 24-hour in every language. */
export function formatShortDateTime(
  instant: Date,
  language: EmailLanguage,
  timeZone: string,
): string {
  const { date, time } = shortDateParts(instant, language, timeZone);
  return `${date} ${time}`;
}

/**
 * "Tuesday, March 5, 2030 at 10:00 AM (Central European Time, Europe/Madrid)": the local time
 * in the organizer's zone with that zone spelled out, so a reader elsewhere can convert it.
 */
export function formatLongDateTime(
  instant: Date,
  language: EmailLanguage,
  timeZone: string,
): string {
  const dateTime = dateTimeFormat(language, {
    timeZone,
    dateStyle: 'full',
    timeStyle: 'short',
  }).format(instant);
  // longGeneric ("Central European Time") rather than long ("Central European Summer Time"):
  // the zone's everyday name, which a reader recognises whatever the season.
  const zoneName = dateTimeFormat(language, { timeZone, timeZoneName: 'longGeneric' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value;
  return zoneName && zoneName !== timeZone
    ? `${dateTime} (${zoneName}, ${timeZone})`
    : `${dateTime} (${timeZone})`;
}

/** "1 hour, 30 minutes" / "1 hora y 30 minutos". */
export function formatDuration(minutes: number, language: EmailLanguage): string {
  const unit = (value: number, name: 'hour' | 'minute') =>
    numberFormat(language, { style: 'unit', unit: name, unitDisplay: 'long' }).format(value);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const pieces = [
    ...(hours ? [unit(hours, 'hour')] : []),
    ...(rest || !hours ? [unit(rest, 'minute')] : []),
  ];
  return listFormat(language, { type: 'unit', style: 'long' }).format(pieces);
}
