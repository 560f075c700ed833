/**
 * Renders an invitation, update or cancellation as the email stored in the outbox: subject,
 * plain text, HTML and the ICS, in the organizer's language. The text part says everything the
 * HTML says, for clients and readers that never show HTML.
 */
import type { InvitationContent } from './content.js';
import {
  emailText,
  formatDuration,
  formatLongDateTime,
  formatShortDateTime,
  type EmailText,
} from './email-text.js';
import { renderIcs } from './ics.js';
import type { EmailMessage } from './messages.js';

/** What both parts show, worked out once so text and HTML cannot disagree. */
interface Facts {
  t: EmailText;
  language: string;
  method: 'REQUEST' | 'CANCEL';
  cancelled: boolean;
  heading: string;
  name: string;
  organizer: string;
  when: string;
  duration: string;
  joinUrl: string;
  password: string | null;
  /** The invitee's personal answer page, or null. */
  rsvpUrl: string | null;
  footer: string;
  organization: string;
  /** Checked http(s) URL of the logo, or null. */
  logoUrl: string | null;
}

export function renderEmail(
  content: InvitationContent,
  to: string,
  messageId: string,
): EmailMessage {
  const { meeting, language, organizer } = content;
  const start = new Date(meeting.startsAt);
  const method: 'REQUEST' | 'CANCEL' = content.kind === 'cancel' ? 'CANCEL' : 'REQUEST';
  const t = emailText(language);
  const facts: Facts = {
    t,
    language,
    method,
    cancelled: method === 'CANCEL',
    heading: t.heading[content.kind](organizer.displayName),
    name: meeting.name,
    organizer: `${organizer.displayName} <${organizer.email}>`,
    when: formatLongDateTime(start, language, meeting.timeZone),
    duration: formatDuration(meeting.durationMinutes, language),
    joinUrl: webLink(meeting.joinUrl),
    password: meeting.password,
    rsvpUrl: content.rsvpUrl && method === 'REQUEST' ? webLink(content.rsvpUrl) : null,
    footer: t.footer(organizer.displayName, content.organization.name),
    organization: content.organization.name,
    logoUrl: content.organization.logoUrl === null ? null : webLink(content.organization.logoUrl),
  };
  // A line break in a meeting name must not reach a header; the body keeps the name as typed.
  const subjectName = meeting.name.replace(/\s+/g, ' ').trim();
  const when = formatShortDateTime(start, language, meeting.timeZone);
  const subject = `${t.subject[content.kind]}: ${subjectName} — ${when} (${meeting.timeZone})`;
  return {
    channel: 'email',
    to,
    messageId,
    subject,
    text: renderText(facts),
    html: renderHtml(facts, subject),
    ics: renderIcs(content, method),
    icsMethod: method,
  };
}

/** Only http(s) links go into an href or src: anything else (javascript:, data:) is a bug upstream. */
function webLink(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RangeError(`Links must be http(s), got ${parsed.protocol}`);
  }
  return url;
}

function renderText(facts: Facts): string {
  const { t } = facts;
  const lines = [facts.heading, ''];
  if (facts.cancelled) lines.push(t.cancelled, '');
  lines.push(
    `${t.labels.meeting}: ${facts.name}`,
    `${t.labels.when}: ${facts.when}`,
    `${t.labels.duration}: ${facts.duration}`,
    `${t.labels.organizer}: ${facts.organizer}`,
  );
  if (!facts.cancelled) {
    lines.push('', `${t.labels.link}: ${facts.joinUrl}`);
    if (facts.password) lines.push(`${t.labels.password}: ${facts.password}`, t.passwordHint);
  }
  if (facts.rsvpUrl) lines.push('', t.rsvpPrompt, facts.rsvpUrl);
  // "-- " (with the space) is the signature separator clients recognise and fold away.
  lines.push('', t.calendarHint[facts.method], '', '-- ', facts.footer, '');
  return lines.join('\n');
}

/** Markup that is already safe; anything else interpolated into `markup` is escaped. */
class SafeHtml {
  constructor(readonly value: string) {}
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Template tag that escapes every interpolated string, so no meeting or person name can open a
 * tag or leave an attribute; nested `markup` results and lists of them pass through untouched.
 * (Not named `html`: prettier would reformat the templates as documents of their own.)
 */
function markup(strings: TemplateStringsArray, ...values: (string | SafeHtml | SafeHtml[])[]) {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    if (Array.isArray(value)) out += value.map((v) => v.value).join('');
    else out += value instanceof SafeHtml ? value.value : escapeHtml(value);
    out += strings[i + 1] ?? '';
  });
  return new SafeHtml(out);
}

// Inline styles and nested tables: the layout that Outlook, Gmail and phone clients all render.
const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const TEXT = `${FONT}font-size:15px;line-height:22px;color:#1f2937;`;
const SMALL = `${FONT}font-size:13px;line-height:20px;color:#6b7280;`;
const CODE = 'font-family:Consolas,Menlo,monospace;font-size:18px;font-weight:bold;';

function detailRow(label: string, value: string, valueStyle = TEXT): SafeHtml {
  return markup`<tr>
<td valign="top" style="padding:4px 16px 4px 0;${SMALL}white-space:nowrap;">${label}</td>
<td valign="top" style="padding:4px 0;${valueStyle}">${value}</td>
</tr>
`;
}

function joinBlock(facts: Facts): SafeHtml[] {
  if (facts.cancelled) return [];
  const { t, joinUrl } = facts;
  const blocks = [
    markup`<tr><td style="padding:16px 24px;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
<td align="center" bgcolor="#2563eb" style="border-radius:6px;">
<a href="${joinUrl}" target="_blank" rel="noopener" style="display:inline-block;padding:12px 28px;${FONT}font-size:16px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:6px;">${t.joinButton}</a>
</td>
</tr></table>
</td></tr>
<tr><td style="padding:4px 24px;${SMALL}">${t.linkFallback}<br>
<a href="${joinUrl}" target="_blank" rel="noopener" style="color:#2563eb;word-break:break-all;">${joinUrl}</a>
</td></tr>
`,
  ];
  if (facts.password) {
    blocks.push(markup`<tr><td style="padding:4px 24px;${SMALL}">${t.passwordHint}</td></tr>
`);
  }
  return blocks;
}

/** The personal answer link: a plain link, lighter than the join button it follows. */
function rsvpBlock(facts: Facts): SafeHtml[] {
  if (!facts.rsvpUrl) return [];
  const { t, rsvpUrl } = facts;
  return [
    markup`<tr><td style="padding:12px 24px 4px;${TEXT}">${t.rsvpPrompt}<br>
<a href="${rsvpUrl}" target="_blank" rel="noopener" style="color:#2563eb;font-weight:bold;">${t.rsvpButton}</a>
</td></tr>
`,
  ];
}

/**
 * The organization heads the email: its logo, or its name when it has none. Logos are stored as
 * 600 x 200 PNGs (logo.ts), shown at 180 x 60 with both sizes set, as Outlook needs.
 */
function brandRow(facts: Facts): SafeHtml {
  if (facts.logoUrl) {
    return markup`<tr><td style="padding:24px 24px 0;"><img src="${facts.logoUrl}" width="180" height="60" alt="${facts.organization}" style="display:block;border:0;width:180px;height:60px;${FONT}font-size:16px;font-weight:bold;color:#111827;"></td></tr>
`;
  }
  return markup`<tr><td style="padding:24px 24px 0;${FONT}font-size:16px;line-height:22px;font-weight:bold;color:#111827;">${facts.organization}</td></tr>
`;
}

function renderHtml(facts: Facts, subject: string): string {
  const { t } = facts;
  const details = [
    detailRow(t.labels.when, facts.when),
    detailRow(t.labels.duration, facts.duration),
    detailRow(t.labels.organizer, facts.organizer),
  ];
  if (facts.password && !facts.cancelled) {
    details.push(
      detailRow(t.labels.password, facts.password, `${CODE}letter-spacing:2px;color:#111827;`),
    );
  }
  const notice = facts.cancelled
    ? [
        markup`<tr><td style="padding:8px 24px;${TEXT}font-weight:bold;color:#b91c1c;">${t.cancelled}</td></tr>
`,
      ]
    : [];
  const strike = facts.cancelled ? 'text-decoration:line-through;' : '';
  return markup`<!DOCTYPE html>
<html lang="${facts.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${subject}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border-radius:8px;">
${brandRow(facts)}<tr><td style="padding:16px 24px 8px;${TEXT}">${facts.heading}</td></tr>
${notice}<tr><td style="padding:8px 24px;${FONT}font-size:22px;line-height:28px;font-weight:bold;color:#111827;${strike}">${facts.name}</td></tr>
<tr><td style="padding:8px 24px;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0">
${details}</table>
</td></tr>
${joinBlock(facts)}${rsvpBlock(facts)}<tr><td style="padding:16px 24px 4px;${SMALL}">${t.calendarHint[facts.method]}</td></tr>
<tr><td style="padding:4px 24px 24px;${SMALL}">${facts.footer}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`.value;
}
