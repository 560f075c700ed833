/**
 * A meeting as an .ics file to add to a calendar by hand (METHOD:PUBLISH), with the same UID
 * and SEQUENCE as the emailed invitations, so a calendar that holds it takes their later
 * updates and cancellation as changes to this event rather than as a second one.
 */
import type { Selectable } from 'kysely';
import { type InvitationContent, meetingFacts } from '../invitations/content.js';
import { renderIcs } from '../invitations/ics.js';
import type { MeetingsTable, UsersTable } from '../storage/schema.js';

export interface MeetingIcsOptions {
  publicUrl: string;
  organization: InvitationContent['organization'];
  /** The invitee the file is for, as ATTENDEE; none for the lobby's file. */
  attendeeEmail: string | null;
  /** Only for someone who was told the password (an invitee), never for the lobby's visitors. */
  withPassword: boolean;
  replyAddress: string | null;
}

export function meetingIcs(
  meeting: Selectable<MeetingsTable>,
  organizer: Pick<UsersTable, 'display_name' | 'email' | 'language'>,
  options: MeetingIcsOptions,
  stamp: Date,
): string {
  const content: InvitationContent = {
    kind: meeting.status === 'cancelled' ? 'cancel' : 'invite',
    language: organizer.language,
    meeting: meetingFacts(
      meeting,
      options.publicUrl,
      options.withPassword ? meeting.password : null,
    ),
    organizer: { displayName: organizer.display_name, email: organizer.email },
    organization: options.organization,
    attendeeEmails: options.attendeeEmail ? [options.attendeeEmail] : [],
    domain: new URL(options.publicUrl).hostname,
    replyAddress: options.replyAddress,
  };
  return renderIcs(content, meeting.status === 'cancelled' ? 'CANCEL' : 'PUBLISH', stamp);
}
