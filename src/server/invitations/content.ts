import type { Selectable } from 'kysely';
import { joinUrl } from '../join-link.js';
import type { MeetingsTable } from '../storage/schema.js';

/** The facts an invitation is rendered from, independent of channel. */
export type InvitationKind = 'invite' | 'update' | 'cancel';

export interface InvitationContent {
  kind: InvitationKind;
  language: 'en' | 'es';
  meeting: {
    id: string;
    name: string;
    /** UTC instant, ISO 8601. */
    startsAt: string;
    durationMinutes: number;
    /** IANA zone the organizer scheduled in; dates are written in it, zone spelled out. */
    timeZone: string;
    joinUrl: string;
    /** ICS SEQUENCE: 0 at creation, +1 for every change invitees hear about. */
    sequence: number;
    /** Digits only, when the meeting is password-protected. */
    password: string | null;
  };
  organizer: { displayName: string; email: string };
  /** Who sends it (admin settings): named in every message; the logo heads the HTML email. */
  organization: { name: string; /** Absolute http(s) URL of a PNG. */ logoUrl: string | null };
  /** Email addresses of every email-reachable participant, for ATTENDEE lines. */
  attendeeEmails: string[];
  /** Host part used in UIDs and Message-IDs, e.g. meet.example.com. */
  domain: string;
  /**
   * The invitee's personal page to answer Yes / No / Maybe (rsvp-links.ts); absent or null when
   * the message offers none (a cancellation). Rendered once per change with a placeholder token
   * that each recipient's copy replaces with its own.
   */
  rsvpUrl?: string | null;
  /**
   * Where calendars send their iMIP replies (REPLY_ADDRESS), when Tertulia listens for them:
   * the ICS then names it as ORGANIZER and asks attendees for a reply (RSVP=TRUE).
   */
  replyAddress?: string | null;
}

/**
 * The meeting as every message about it tells it: invitations, reminders, calendar files.
 * `password`: what this copy may show (a calendar file for anyone has none).
 */
export function meetingFacts(
  meeting: Selectable<MeetingsTable>,
  publicUrl: string,
  password: string | null = meeting.password,
): InvitationContent['meeting'] {
  return {
    id: meeting.id,
    name: meeting.name,
    startsAt: meeting.starts_at,
    durationMinutes: meeting.duration_minutes,
    timeZone: meeting.time_zone,
    joinUrl: joinUrl(publicUrl, meeting.join_token),
    sequence: meeting.sequence,
    password,
  };
}
