/**
 * Reminders before a scheduled meeting, by email and by SMS, in the organizer's language (as
 * its invitations are): when it starts, in the meeting's zone with the zone spelled out, the
 * link, and the password when the meeting has one. No calendar part: a reminder changes nothing
 * in the invitee's calendar, and a second REQUEST would only make clients ask again.
 */
import type { InvitationContent } from './content.js';
import {
  emailText,
  formatDuration,
  formatLongDateTime,
  formatShortDateTime,
} from './email-text.js';
import type { EmailMessage, SmsMessage } from './messages.js';
import { escapeHtml } from './render-email.js';
import { formatSmsDateTime } from './render-sms.js';
import { countSegments } from './sms-encoding.js';

type Language = InvitationContent['language'];

/** The facts a reminder needs: an invitation's, without the kind or the attendee list. */
export type ReminderContent = Omit<InvitationContent, 'kind' | 'attendeeEmails'>;

const WORDS: Record<
  Language,
  {
    subject: string;
    heading: (organizer: string) => string;
    sms: (name: string, when: string, link: string) => string;
  }
> = {
  en: {
    subject: 'Reminder',
    heading: (organizer) => `${organizer} reminds you of this meeting.`,
    // As the invitation SMS: GSM 03.38 only, and the link ends the sentence.
    sms: (name, when, link) => `Reminder: "${name}" starts on ${when}. Join: ${link}`,
  },
  es: {
    subject: 'Recordatorio',
    heading: (organizer) => `${organizer} te recuerda esta reunión.`,
    sms: (name, when, link) => `Recordatorio: "${name}" empieza el ${when}. Entra: ${link}`,
  },
};

export function renderReminderEmail(content: ReminderContent, to: string): EmailMessage {
  const { meeting, language, organizer } = content;
  const t = emailText(language);
  const words = WORDS[language];
  const start = new Date(meeting.startsAt);
  const when = formatLongDateTime(start, language, meeting.timeZone);
  const subjectName = meeting.name.replace(/\s+/g, ' ').trim();
  const subject = `${words.subject}: ${subjectName} — ${formatShortDateTime(start, language, meeting.timeZone)} (${meeting.timeZone})`;
  const rows: Array<[string, string]> = [
    [t.labels.meeting, meeting.name],
    [t.labels.when, when],
    [t.labels.duration, formatDuration(meeting.durationMinutes, language)],
    [t.labels.organizer, `${organizer.displayName} <${organizer.email}>`],
    [t.labels.link, meeting.joinUrl],
  ];
  if (meeting.password !== null) rows.push([t.labels.password, meeting.password]);
  const heading = words.heading(organizer.displayName);
  const footer = t.footer(organizer.displayName, content.organization.name);
  const text = [
    heading,
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    ...(meeting.password !== null ? [t.passwordHint] : []),
    '',
    '-- ',
    footer,
    '',
  ].join('\n');
  const e = escapeHtml;
  const link = e(webLink(meeting.joinUrl));
  const html = `<!DOCTYPE html>
<html lang="${language}">
<head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:22px;color:#1f2937;">
<p>${e(heading)}</p>
<table role="presentation">
${rows.map(([label, value]) => `<tr><td style="padding-right:16px;color:#6b7280;">${e(label)}</td><td>${e(value)}</td></tr>`).join('\n')}
</table>
<p><a href="${link}">${e(t.joinButton)}</a></p>
${meeting.password !== null ? `<p>${e(t.passwordHint)}</p>\n` : ''}<p style="color:#6b7280;font-size:13px;">${e(footer)}</p>
</body>
</html>
`;
  return { channel: 'email', to, messageId: '', subject, text, html, ics: null, icsMethod: null };
}

export function renderReminderSms(content: ReminderContent, to: string): SmsMessage {
  const { meeting, language } = content;
  const when = formatSmsDateTime(new Date(meeting.startsAt), language, meeting.timeZone);
  let text = WORDS[language].sms(meeting.name, when, meeting.joinUrl);
  if (meeting.password !== null)
    text += `\n${emailText(language).labels.password}: ${meeting.password}`;
  // The organization first when it costs no extra (paid) segment, as in invitations.
  const branded = `${content.organization.name}: ${text}`;
  if (countSegments(branded) <= countSegments(text)) text = branded;
  return { channel: 'sms', to, text };
}

function webLink(url: string): string {
  const { protocol } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:') throw new RangeError(`Not a web link: ${url}`);
  return url;
}
