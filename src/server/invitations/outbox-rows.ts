/** A new outbox row for one message to one recipient: invitations and reminders alike. */
import type { Insertable, Selectable } from 'kysely';
import type { MeetingsTable, OutboxKind, OutboxTable } from '../storage/schema.js';
import { newId } from '../tokens.js';
import type { OutboundMessage } from './messages.js';
import type { Recipient } from './plan.js';

export interface NewRow {
  meeting: Selectable<MeetingsTable>;
  recipient: Recipient;
  kind: OutboxKind;
  /** The rendered message; its address and Message-ID are set here. */
  template: OutboundMessage;
  /** Host part of Message-IDs. */
  domain: string;
  now: Date;
  /** False when no transport serves the channel: the row is kept for admins to read. */
  enabled: boolean;
  /** Transient failures are retried until then. */
  giveUpAt: Date;
  /** Reminders: when it falls due and when it is too late (the meeting's start). */
  due?: { notBefore: Date; notAfter: Date };
}

export function newOutboxRow(r: NewRow): Insertable<OutboxTable> {
  const id = newId();
  // One Message-ID per row: retries of the row reuse it, so a mail sent twice after an
  // ambiguous failure is recognisably the same message.
  const message: OutboundMessage = addressed(r.template, r.recipient.to, id, r.domain);
  const now = r.now.toISOString();
  return {
    id,
    meeting_id: r.meeting.id,
    recipient_key: r.recipient.key,
    participant_kind: r.recipient.participantKind,
    participant_address: r.recipient.participantAddress,
    channel: r.recipient.channel,
    kind: r.kind,
    sequence: r.meeting.sequence,
    payload: JSON.stringify(message),
    status: r.enabled ? 'queued' : 'kept',
    attempts: 0,
    next_attempt_at: r.due ? r.due.notBefore.toISOString() : now,
    give_up_at: r.giveUpAt.toISOString(),
    locked_until: null,
    claim_token: null,
    last_error: null,
    created_at: now,
    updated_at: now,
    sent_at: null,
    not_before: r.due ? r.due.notBefore.toISOString() : null,
    not_after: r.due ? r.due.notAfter.toISOString() : null,
  };
}

/** The message for one recipient, with the Message-ID its row keeps for good. */
export function addressed(
  template: OutboundMessage,
  to: string,
  rowId: string,
  domain: string,
): OutboundMessage {
  return template.channel === 'email'
    ? { ...template, to, messageId: `<${rowId}@${domain}>` }
    : { ...template, to };
}
