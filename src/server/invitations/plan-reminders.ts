/**
 * Decides which reminders a meeting needs after a change, against the reminder rows it already
 * has. Pure, so each rule is tested case by case (plan-reminders.test.ts):
 * - each invitee gets one reminder per channel it is reached on (email for email addresses and
 *   members, SMS for phones), due the meeting's lead time for that channel before its start;
 *   quick conferences, cancelled meetings and a lead of null get none;
 * - a reminder already written for that invitee and due time is kept, never written again:
 *   queued, it is refreshed with the meeting as it now is; sent, skipped or failed, it is done;
 * - a reminder whose time has already passed when it is planned is not written: the invitation
 *   or update the invitee is getting now says the same, and a reminder must not arrive late;
 * - a pending reminder no longer wanted (cancelled, moved, invitee removed, lead changed) is
 *   dropped.
 */
import type { DeliveryStatus } from '../storage/schema.js';
import type { Recipient } from './plan.js';

export interface ReminderMeeting {
  kind: 'scheduled' | 'quick';
  status: 'scheduled' | 'cancelled';
  /** UTC instant, ISO 8601. */
  startsAt: string;
  emailReminderMinutes: number | null;
  smsReminderMinutes: number | null;
}

/** A reminder row the meeting has, as far as planning is concerned. */
export interface ExistingReminder {
  id: string;
  recipientKey: string;
  channel: 'email' | 'sms';
  /** When it is due, ISO 8601 UTC. */
  notBefore: string;
  status: DeliveryStatus;
}

export interface WantedReminder {
  recipient: Recipient;
  /** When it is due, ISO 8601 UTC. */
  notBefore: string;
}

export interface ReminderPlan {
  /** New rows to write. */
  add: WantedReminder[];
  /** Pending rows still wanted: re-rendered with the meeting as it is now, same id. */
  refresh: string[];
  /** Pending rows no longer wanted: removed before anyone sends them. */
  drop: string[];
}

/** Rows not handed to a transport yet: what a change may still refresh or drop. */
const PENDING: ReadonlySet<DeliveryStatus> = new Set(['queued', 'kept']);

export function planReminders(
  meeting: ReminderMeeting,
  recipients: readonly Recipient[],
  existing: readonly ExistingReminder[],
  now: Date,
): ReminderPlan {
  const plan: ReminderPlan = { add: [], refresh: [], drop: [] };
  const matched = new Set<string>();
  for (const wanted of wantedReminders(meeting, recipients)) {
    const row = existing.find(
      (r) =>
        !matched.has(r.id) &&
        r.recipientKey === wanted.recipient.key &&
        r.channel === wanted.recipient.channel &&
        r.notBefore === wanted.notBefore,
    );
    if (row) {
      matched.add(row.id);
      if (PENDING.has(row.status)) plan.refresh.push(row.id);
    } else if (Date.parse(wanted.notBefore) > now.getTime()) {
      plan.add.push(wanted);
    }
  }
  for (const row of existing) {
    if (!matched.has(row.id) && PENDING.has(row.status)) plan.drop.push(row.id);
  }
  return plan;
}

function wantedReminders(
  meeting: ReminderMeeting,
  recipients: readonly Recipient[],
): WantedReminder[] {
  if (meeting.kind !== 'scheduled' || meeting.status !== 'scheduled') return [];
  const startMs = Date.parse(meeting.startsAt);
  return recipients.flatMap((recipient) => {
    const minutes =
      recipient.channel === 'email' ? meeting.emailReminderMinutes : meeting.smsReminderMinutes;
    if (minutes === null) return [];
    return [{ recipient, notBefore: new Date(startMs - minutes * 60_000).toISOString() }];
  });
}
