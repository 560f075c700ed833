/**
 * Reads a calendar's reply (iMIP, RFC 6047; iTIP METHOD:REPLY, RFC 5546) out of an email: the
 * text/calendar part, its VEVENT's UID and the replying ATTENDEE's PARTSTAT. Parsing is done by
 * mailparser (MIME) and ical.js (iCalendar); anything that is not such a reply says why.
 */
import ICAL from 'ical.js';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { InviteeResponse } from '../../shared/api.js';

export interface ImipReply {
  /** The UID's part before `@<domain>`: the meeting's id. */
  meetingId: string;
  attendeeEmail: string;
  response: InviteeResponse;
  /** The address in the From header, lower-cased. */
  from: string;
}

export class NotAReply extends Error {}

const PARTSTATS: Record<string, InviteeResponse> = {
  ACCEPTED: 'yes',
  DECLINED: 'no',
  TENTATIVE: 'maybe',
};

function mailtoAddress(value: unknown): string {
  return String(value)
    .replace(/^mailto:/i, '')
    .trim()
    .toLowerCase();
}

function calendarPart(mail: ParsedMail): string {
  const part = mail.attachments.find((a) =>
    /^(text\/calendar|application\/ics)$/i.test(a.contentType),
  );
  if (!part) throw new NotAReply('no calendar part (text/calendar) in this message');
  return part.content.toString('utf8');
}

/** The reply in `raw`, for meetings whose UIDs end in `@<domain>`; NotAReply otherwise. */
export async function readImipReply(raw: Buffer, domain: string): Promise<ImipReply> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextLinks: true });
  const from = mail.from?.value[0]?.address?.toLowerCase();
  if (!from) throw new NotAReply('the message has no From address');
  let calendar: ICAL.Component;
  try {
    calendar = new ICAL.Component(ICAL.parse(calendarPart(mail)));
  } catch (error) {
    if (error instanceof NotAReply) throw error;
    throw new NotAReply('the calendar part is not valid iCalendar');
  }
  if (String(calendar.getFirstPropertyValue('method')).toUpperCase() !== 'REPLY') {
    throw new NotAReply('the calendar part is not a reply (METHOD:REPLY)');
  }
  const event = calendar.getFirstSubcomponent('vevent');
  const uid = String(event?.getFirstPropertyValue('uid') ?? '');
  const suffix = `@${domain}`;
  if (!event || !uid.toLowerCase().endsWith(suffix.toLowerCase())) {
    throw new NotAReply('the reply is not about a meeting of this server (UID)');
  }
  // A reply names its sender as the one ATTENDEE; some clients repeat the others, so the one
  // whose address sent the message is the one that counts.
  const attendees = event.getAllProperties('attendee').map((property) => ({
    email: mailtoAddress(property.getFirstValue()),
    partstat: String(property.getParameter('partstat') ?? '').toUpperCase(),
  }));
  const attendee =
    attendees.find((a) => a.email === from) ?? (attendees.length === 1 ? attendees[0] : undefined);
  if (!attendee) throw new NotAReply('the reply names no ATTENDEE');
  const response = PARTSTATS[attendee.partstat];
  if (!response) throw new NotAReply(`PARTSTAT ${attendee.partstat || '(none)'} is not an answer`);
  return {
    meetingId: uid.slice(0, -suffix.length),
    attendeeEmail: attendee.email,
    response,
    from,
  };
}
