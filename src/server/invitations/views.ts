/** How outbox rows are shown to organizers (delivery state) and admins (the Outbox page). */
import type { Delivery, OutboxDetail, OutboxItem } from '../../shared/api.js';
import type { OutboundMessage } from './messages.js';
import type { OutboxRow } from './outbox.js';

export function toDelivery(row: OutboxRow): Delivery {
  const message = JSON.parse(row.payload) as OutboundMessage;
  return {
    id: row.id,
    participant: { kind: row.participant_kind, address: row.participant_address },
    channel: row.channel,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    notBefore: row.not_before,
    to: message.to,
    updatedAt: row.updated_at,
    sentAt: row.sent_at,
  };
}

export function toOutboxItem(row: OutboxRow): OutboxItem {
  const message = JSON.parse(row.payload) as OutboundMessage;
  return {
    ...toDelivery(row),
    meetingId: row.meeting_id,
    summary: message.channel === 'email' ? message.subject : message.text,
    createdAt: row.created_at,
  };
}

export function toOutboxDetail(row: OutboxRow): OutboxDetail {
  const message = JSON.parse(row.payload) as OutboundMessage;
  return {
    ...toOutboxItem(row),
    email:
      message.channel === 'email'
        ? {
            subject: message.subject,
            text: message.text,
            html: message.html,
            // Reminders and notices to an organizer carry no calendar object.
            ics: message.ics,
          }
        : null,
    sms: message.channel === 'sms' ? { text: message.text } : null,
  };
}
