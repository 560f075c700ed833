/**
 * Decides who hears what when a meeting changes. Pure: given the meeting before and after a
 * change, it lists one delivery per recipient, so the rules can be tested case by case.
 */
import type { InvitationKind } from './content.js';

export interface Recipient {
  /** Stable identity: `email:<addr>`, `phone:<e164>` or `member:<userId>`. */
  key: string;
  participantKind: 'email' | 'phone' | 'member';
  participantAddress: string;
  channel: 'email' | 'sms';
  /** Where the message goes: an email address or an E.164 number. */
  to: string;
}

export interface MeetingState {
  name: string;
  startsAt: string;
  durationMinutes: number;
  status: 'scheduled' | 'cancelled';
  /** Digits, or null when the meeting has no password. */
  password: string | null;
  recipients: Recipient[];
}

export interface PlannedDelivery {
  recipient: Recipient;
  kind: InvitationKind;
}

export function planDeliveries(
  before: MeetingState | null,
  after: MeetingState,
): PlannedDelivery[] {
  if (!before) {
    return after.status === 'scheduled'
      ? after.recipients.map((recipient) => ({ recipient, kind: 'invite' }))
      : [];
  }
  if (after.status === 'cancelled') {
    if (before.status === 'cancelled') return [];
    return before.recipients.map((recipient) => ({ recipient, kind: 'cancel' }));
  }
  const previous = new Map(before.recipients.map((r) => [r.key, r]));
  const current = new Set(after.recipients.map((r) => r.key));
  const timeChanged =
    before.startsAt !== after.startsAt || before.durationMinutes !== after.durationMinutes;
  const dateChanged = before.startsAt !== after.startsAt;
  // A new password must reach everyone, by email and by SMS: the old one no longer works.
  const passwordChanged = before.password !== after.password;
  const emailNeedsUpdate = timeChanged || passwordChanged || before.name !== after.name;
  const smsNeedsUpdate = dateChanged || passwordChanged;

  const planned: PlannedDelivery[] = before.recipients
    .filter((r) => !current.has(r.key))
    .map((recipient) => ({ recipient, kind: 'cancel' }));
  for (const recipient of after.recipients) {
    const old = previous.get(recipient.key);
    if (!old || old.to !== recipient.to) {
      planned.push({ recipient, kind: 'invite' });
    } else if (recipient.channel === 'email' ? emailNeedsUpdate : smsNeedsUpdate) {
      // A text message is short and costs money: phones hear only about a new date or time.
      planned.push({ recipient, kind: 'update' });
    }
  }
  return planned;
}
