/**
 * Writes a meeting's reminders into the outbox, inside the transaction of the change that
 * called for them, so a change and its reminders commit together and survive restarts. The
 * rows wait there until `not_before`; the delivery worker sends each once (outbox claims).
 */
import type { Selectable } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../storage/database.js';
import type { MeetingsTable } from '../storage/schema.js';
import type { UserRow } from '../accounts/members.js';
import { type InvitationContent, meetingFacts } from './content.js';
import type { OutboundMessage } from './messages.js';
import { addressed, newOutboxRow } from './outbox-rows.js';
import type { Recipient } from './plan.js';
import { planReminders, type ExistingReminder } from './plan-reminders.js';
import { renderReminderEmail, renderReminderSms, type ReminderContent } from './render-reminder.js';

type MeetingRow = Selectable<MeetingsTable>;

export interface ReminderOptions {
  publicUrl: string;
  /** Host part of Message-IDs. */
  domain: string;
  /** Channels with a configured transport; the others' reminders are kept for the Outbox page. */
  channels: { email: boolean; sms: boolean };
}

export class ReminderScheduler {
  constructor(
    private readonly clock: Clock,
    private readonly options: ReminderOptions,
  ) {}

  /** Brings the meeting's reminder rows in line with the meeting as it is after a change. */
  async replan(
    tx: Db,
    organizer: UserRow,
    meeting: MeetingRow,
    recipients: readonly Recipient[],
    organization: InvitationContent['organization'],
  ): Promise<void> {
    const rows = await tx
      .selectFrom('outbox')
      .select(['id', 'recipient_key', 'channel', 'not_before', 'status', 'payload'])
      .where('meeting_id', '=', meeting.id)
      .where('kind', '=', 'reminder')
      .execute();
    const existing: ExistingReminder[] = rows.flatMap((r) =>
      r.not_before === null
        ? []
        : [
            {
              id: r.id,
              recipientKey: r.recipient_key,
              channel: r.channel,
              notBefore: r.not_before,
              status: r.status,
            },
          ],
    );
    const now = this.clock.now();
    const plan = planReminders(
      {
        kind: meeting.kind,
        status: meeting.status,
        startsAt: meeting.starts_at,
        emailReminderMinutes: meeting.email_reminder_minutes,
        smsReminderMinutes: meeting.sms_reminder_minutes,
      },
      recipients,
      existing,
      now,
    );
    if (plan.drop.length > 0) {
      await tx.deleteFrom('outbox').where('id', 'in', plan.drop).execute();
    }
    const render = this.renderer(meeting, organizer, organization);
    for (const id of plan.refresh) {
      const row = rows.find((r) => r.id === id);
      if (!row) continue;
      const old = JSON.parse(row.payload) as OutboundMessage;
      await tx
        .updateTable('outbox')
        .set({
          payload: JSON.stringify(addressed(render(row.channel), old.to, id, this.options.domain)),
          sequence: meeting.sequence,
          not_after: meeting.starts_at,
          give_up_at: meeting.starts_at,
          updated_at: now.toISOString(),
        })
        .where('id', '=', id)
        .execute();
    }
    if (plan.add.length === 0) return;
    const start = new Date(meeting.starts_at);
    await tx
      .insertInto('outbox')
      .values(
        plan.add.map(({ recipient, notBefore }) =>
          newOutboxRow({
            meeting,
            recipient,
            kind: 'reminder',
            template: render(recipient.channel),
            domain: this.options.domain,
            now,
            enabled: this.options.channels[recipient.channel],
            // Retrying past the start would only deliver it late.
            giveUpAt: start,
            due: { notBefore: new Date(notBefore), notAfter: start },
          }),
        ),
      )
      .execute();
  }

  /** One rendering per channel, addressed to each recipient afterwards. */
  private renderer(
    meeting: MeetingRow,
    organizer: UserRow,
    organization: InvitationContent['organization'],
  ): (channel: 'email' | 'sms') => OutboundMessage {
    const content: ReminderContent = {
      language: organizer.language,
      meeting: meetingFacts(meeting, this.options.publicUrl),
      organizer: { displayName: organizer.display_name, email: organizer.email },
      organization,
      domain: this.options.domain,
    };
    const templates = new Map<string, OutboundMessage>();
    return (channel) => {
      let template = templates.get(channel);
      if (!template) {
        template =
          channel === 'email' ? renderReminderEmail(content, '') : renderReminderSms(content, '');
        templates.set(channel, template);
      }
      return template;
    };
  }
}
