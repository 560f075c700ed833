/**
 * The email that tells an organizer someone answered (when their profile asks for it): short,
 * in the organizer's language, with a link to the meeting's page. No calendar object: it
 * changes nothing in anyone's calendar.
 */
import type { InviteeResponse, Language } from '../../shared/api.js';
import type { EmailMessage } from '../invitations/messages.js';

export interface AnswerNoticeFacts {
  language: Language;
  meetingName: string;
  invitee: string;
  response: InviteeResponse;
  meetingUrl: string;
}

const TEXTS = {
  en: {
    response: { yes: 'Yes', no: 'No', maybe: 'Maybe' },
    subject: (f: AnswerNoticeFacts, answer: string) =>
      `${f.invitee} answered ${answer}: ${f.meetingName}`,
    body: (f: AnswerNoticeFacts, answer: string) =>
      `${f.invitee} answered "${answer}" to your meeting "${f.meetingName}".`,
    see: 'Everyone’s answers:',
    why: 'You get this email because your profile asks for one when someone answers.',
  },
  es: {
    response: { yes: 'Sí', no: 'No', maybe: 'Quizás' },
    subject: (f: AnswerNoticeFacts, answer: string) =>
      `${f.invitee} ha respondido ${answer}: ${f.meetingName}`,
    body: (f: AnswerNoticeFacts, answer: string) =>
      `${f.invitee} ha respondido «${answer}» a tu reunión «${f.meetingName}».`,
    see: 'Las respuestas de todos:',
    why: 'Recibes este correo porque tu perfil lo pide cuando alguien responde.',
  },
} as const;

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function renderAnswerNotice(
  facts: AnswerNoticeFacts,
): Omit<EmailMessage, 'to' | 'messageId'> {
  const t = TEXTS[facts.language];
  const answer = t.response[facts.response];
  // A line break in a name must not reach a header.
  const subject = t.subject(facts, answer).replace(/\s+/g, ' ').trim();
  const body = t.body(facts, answer);
  const text = `${body}\n\n${t.see} ${facts.meetingUrl}\n\n-- \n${t.why}\n`;
  const html = `<!DOCTYPE html>
<html lang="${facts.language}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:22px;color:#1f2937;">
<p>${escapeHtml(body)}</p>
<p>${escapeHtml(t.see)} <a href="${escapeHtml(facts.meetingUrl)}">${escapeHtml(facts.meetingUrl)}</a></p>
<p style="font-size:13px;color:#6b7280;">${escapeHtml(t.why)}</p>
</body></html>
`;
  return { channel: 'email', subject, text, html, ics: null, icsMethod: null };
}
