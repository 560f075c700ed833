/**
 * Invitees' answers (RSVP): by their personal link's page (no account) or by a calendar's iMIP
 * REPLY sent to REPLY_ADDRESS. An answer can change at any time; the latest one counts. When
 * it changes and the organizer asked for it (profile), they get an email through the outbox.
 */
import type { Selectable } from 'kysely';
import type { InviteeResponse, RsvpPage } from '../../shared/api.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { joinUrl } from '../join-link.js';
import type { InvitationsService } from '../invitations/invitations.js';
import type { Db } from '../storage/database.js';
import type { InviteeAnswersTable, MeetingsTable, UsersTable } from '../storage/schema.js';
import { calendarLinks } from '../../shared/calendar-links.js';
import { meetingIcs } from '../calendar/meeting-ics.js';
import { recipientKeyOf } from '../invitations/recipient-key.js';
import { renderAnswerNotice } from './render-answer-notice.js';
import { findRsvpToken } from '../invitations/rsvp-links.js';

type MeetingRow = Selectable<MeetingsTable>;

export interface AnswersOptions {
  publicUrl: string;
  /** The organization's name and logo as pages show them (logo path under PUBLIC_URL). */
  organization: () => Promise<{ name: string; logoUrl: string | null }>;
  /** REPLY_ADDRESS when the inbound listener runs, for the .ics's ORGANIZER. */
  replyAddress: string | null;
}

/** One invitee of one meeting, as their link or their calendar identifies them. */
export interface InviteeOf {
  meeting: MeetingRow;
  organizer: UsersTable;
  recipientKey: string;
  /** As invited: email, E.164 number, or the member's display name. */
  label: string;
  /** Where they get email, for the .ics's ATTENDEE; null for a phone. */
  email: string | null;
}

/** What became of a calendar's reply (the SMTP listener turns it into its answer). */
export type MailAnswerOutcome = 'updated' | 'unknown-meeting' | 'unknown-attendee' | 'cancelled';

export class AnswersService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly invitations: InvitationsService,
    private readonly options: AnswersOptions,
  ) {}

  /** The personal answer page, or RSVP_NOT_FOUND for a token that is not (or no longer) one. */
  async page(token: string): Promise<RsvpPage> {
    const invitee = await this.inviteeByToken(token);
    return this.present(invitee, token);
  }

  /** The meeting as an .ics for this invitee (ATTENDEE, password as their invitation had it). */
  async calendarFile(token: string): Promise<string> {
    const invitee = await this.inviteeByToken(token);
    const organization = await this.options.organization();
    const logo = organization.logoUrl;
    return meetingIcs(
      invitee.meeting,
      invitee.organizer,
      {
        publicUrl: this.options.publicUrl,
        organization: {
          name: organization.name,
          logoUrl: logo && `${this.options.publicUrl}${logo}`,
        },
        attendeeEmail: invitee.email,
        withPassword: true,
        replyAddress: this.options.replyAddress,
      },
      this.clock.now(),
    );
  }

  /** Records the answer given on the personal page; a cancelled meeting takes none. */
  async answerByLink(token: string, response: InviteeResponse): Promise<RsvpPage> {
    const invitee = await this.inviteeByToken(token);
    if (invitee.meeting.status === 'cancelled') throw new AppError('MEETING_CANCELLED');
    await this.record(invitee, response, 'link');
    return this.present(invitee, token);
  }

  /**
   * A calendar's reply: the meeting by its id (the ICS UID is `<id>@<host>`), the invitee by
   * the ATTENDEE's email, invited by that address or as the member who has it.
   */
  async answerByMail(
    meetingId: string,
    attendeeEmail: string,
    response: InviteeResponse,
  ): Promise<MailAnswerOutcome> {
    const meeting = await this.db
      .selectFrom('meetings')
      .selectAll()
      .where('id', '=', meetingId)
      .executeTakeFirst();
    if (!meeting) return 'unknown-meeting';
    if (meeting.status === 'cancelled') return 'cancelled';
    const email = attendeeEmail.trim().toLowerCase();
    const invitees = await this.invitees(meeting);
    const invitee = invitees.find((i) => i.email !== null && i.email.toLowerCase() === email);
    if (!invitee) return 'unknown-attendee';
    await this.record(invitee, response, 'calendar');
    return 'updated';
  }

  private async inviteeByToken(token: string): Promise<InviteeOf> {
    const found = await findRsvpToken(this.db, token);
    const meeting =
      found &&
      (await this.db
        .selectFrom('meetings')
        .selectAll()
        .where('id', '=', found.meetingId)
        .executeTakeFirst());
    // Someone removed from the meeting since their link was sent speaks for nobody.
    const invitee =
      found &&
      meeting &&
      (await this.invitees(meeting)).find((i) => i.recipientKey === found.recipientKey);
    if (!invitee) throw new AppError('RSVP_NOT_FOUND');
    return invitee;
  }

  private async invitees(meeting: MeetingRow): Promise<InviteeOf[]> {
    const organizer = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', meeting.organizer_id)
      .executeTakeFirstOrThrow();
    const rows = await this.db
      .selectFrom('meeting_participants as p')
      .leftJoin('users as u', 'u.id', 'p.user_id')
      .select(['p.kind', 'p.address', 'p.user_id', 'u.display_name', 'u.email'])
      .where('p.meeting_id', '=', meeting.id)
      .orderBy('p.position')
      .execute();
    return rows.map((p) => ({
      meeting,
      organizer,
      recipientKey: recipientKeyOf({ kind: p.kind, address: p.address, userId: p.user_id }),
      label: p.kind === 'member' ? (p.display_name ?? p.address) : p.address,
      email: p.kind === 'email' ? p.address : p.kind === 'member' ? (p.email ?? null) : null,
    }));
  }

  private async record(
    invitee: InviteeOf,
    response: InviteeResponse,
    via: InviteeAnswersTable['via'],
  ): Promise<void> {
    const { meeting, organizer } = invitee;
    const now = this.clock.now().toISOString();
    let changed = false;
    await this.db.transaction().execute(async (tx) => {
      const before = await tx
        .selectFrom('invitee_answers')
        .select('response')
        .where('meeting_id', '=', meeting.id)
        .where('recipient_key', '=', invitee.recipientKey)
        .executeTakeFirst();
      await tx
        .insertInto('invitee_answers')
        .values({
          meeting_id: meeting.id,
          recipient_key: invitee.recipientKey,
          response,
          via,
          answered_at: now,
        })
        .onConflict((oc) =>
          oc
            .columns(['meeting_id', 'recipient_key'])
            .doUpdateSet({ response, via, answered_at: now }),
        )
        .execute();
      changed = before?.response !== response;
      if (changed && organizer.notify_on_answers === 1 && !organizer.disabled) {
        await this.invitations.recordNotice(
          tx,
          meeting,
          organizer,
          renderAnswerNotice({
            language: organizer.language,
            meetingName: meeting.name,
            invitee: invitee.label,
            response,
            meetingUrl: `${this.options.publicUrl}/meetings/${meeting.id}`,
          }),
        );
      }
    });
    if (changed && organizer.notify_on_answers === 1) this.invitations.notifyQueued();
  }

  private async present(invitee: InviteeOf, token: string): Promise<RsvpPage> {
    const { meeting, organizer } = invitee;
    const answer = await this.db
      .selectFrom('invitee_answers')
      .select('response')
      .where('meeting_id', '=', meeting.id)
      .where('recipient_key', '=', invitee.recipientKey)
      .executeTakeFirst();
    const link = joinUrl(this.options.publicUrl, meeting.join_token);
    const cancelled = meeting.status === 'cancelled';
    return {
      meeting: {
        name: meeting.name,
        status: meeting.status,
        startsAt: meeting.starts_at,
        durationMinutes: meeting.duration_minutes,
        timeZone: meeting.time_zone,
        organizer: { displayName: organizer.display_name },
        joinUrl: link,
      },
      invitee: invitee.label,
      response: answer?.response ?? null,
      calendar: cancelled
        ? null
        : calendarLinks(
            {
              name: meeting.name,
              startsAt: meeting.starts_at,
              durationMinutes: meeting.duration_minutes,
              timeZone: meeting.time_zone,
              joinUrl: link,
              details: link,
            },
            `${this.options.publicUrl}/api/rsvp/${token}/invite.ics`,
          ),
      organization: await this.options.organization(),
    };
  }
}
