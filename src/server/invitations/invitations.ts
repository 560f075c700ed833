/**
 * Invitations: turns each meeting change into rendered outbox rows, written in the caller's
 * transaction so the change and its messages commit together, and answers what was delivered.
 */
import type { Insertable, Selectable } from 'kysely';
import { callEach } from '../../shared/listeners.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { Db } from '../storage/database.js';
import type { MeetingsTable, OutboxTable, RsvpTokensTable } from '../storage/schema.js';
import { newId } from '../tokens.js';
import { issueRsvpToken, RSVP_TOKEN_SLOT, rsvpUrl } from './rsvp-links.js';
import type { UserRow } from '../accounts/members.js';
import { type InvitationContent, type InvitationKind, meetingFacts } from './content.js';
import type { EmailMessage, OutboundMessage } from './messages.js';
import type { OutboxRow, OutboxStore } from './outbox.js';
import { newOutboxRow } from './outbox-rows.js';
import { planDeliveries, type MeetingState, type Recipient } from './plan.js';
import { renderEmail } from './render-email.js';
import { renderSms } from './render-sms.js';
import { ReminderScheduler } from './reminders.js';

type MeetingRow = Selectable<MeetingsTable>;

export interface ParticipantRef {
  kind: 'email' | 'phone' | 'member';
  address: string;
  userId: string | null;
}

export interface MeetingVersion {
  meeting: MeetingRow;
  participants: ParticipantRef[];
}

export interface InvitationsOptions {
  publicUrl: string;
  /** Channels with a configured transport; the others' messages are kept for the Outbox page. */
  channels: { email: boolean; sms: boolean };
  /** How long transient failures are retried before a row is marked failed. */
  retryWindowMs: number;
  /**
   * The organization's name and logo (absolute URL), from the admin settings, read for every
   * change; called inside the change's transaction, which it must read through.
   */
  organization: (tx: Db) => Promise<InvitationContent['organization']>;
  /** REPLY_ADDRESS when the inbound SMTP listener runs: invitations ask calendars to reply there. */
  replyAddress?: string | undefined;
}

export class InvitationsService {
  private readonly domain: string;
  private readonly listeners = new Set<() => void>();
  private readonly reminders: ReminderScheduler;

  constructor(
    private readonly db: Db,
    private readonly store: OutboxStore,
    private readonly clock: Clock,
    private readonly log: { error(obj: object, msg: string): void },
    private readonly options: InvitationsOptions,
  ) {
    this.domain = new URL(options.publicUrl).hostname;
    this.reminders = new ReminderScheduler(clock, {
      publicUrl: options.publicUrl,
      domain: this.domain,
      channels: options.channels,
    });
  }

  /** Called by the delivery worker: new rows are waiting. */
  onQueued(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * To call after the transaction that recorded a change committed. A listener that throws is
   * logged: the change is saved, so the request that made it must not fail.
   */
  notifyQueued(): void {
    callEach(
      this.listeners,
      (listener) => listener(),
      (error) => this.log.error({ err: error }, 'outbox listener failed'),
    );
  }

  /**
   * Writes the outbox rows for one change, inside the caller's transaction: the invitations,
   * updates or cancellations it calls for, and the meeting's reminders planned afresh.
   * Answers how many invitations were queued.
   */
  async recordChange(
    tx: Db,
    organizer: UserRow,
    before: MeetingVersion | null,
    after: MeetingVersion,
  ): Promise<number> {
    const memberEmails = await this.memberEmails(tx, [
      ...(before?.participants ?? []),
      ...after.participants,
    ]);
    const toState = (v: MeetingVersion): MeetingState => ({
      name: v.meeting.name,
      startsAt: v.meeting.starts_at,
      durationMinutes: v.meeting.duration_minutes,
      status: v.meeting.status,
      password: v.meeting.password,
      recipients: v.participants.flatMap((p) => recipientOf(p, memberEmails)),
    });
    const afterState = toState(after);
    const planned = planDeliveries(before ? toState(before) : null, afterState);
    const organization = await this.options.organization(tx);
    const tokens: RsvpTokensTable[] = [];
    if (planned.length > 0) {
      const attendeeEmails = afterState.recipients
        .filter((r) => r.channel === 'email')
        .map((r) => r.to);
      const render = this.renderer(after.meeting, organizer, attendeeEmails, organization);
      const rows = planned.map(({ recipient, kind }) =>
        this.buildRow(after.meeting, recipient, kind, render, tokens),
      );
      await tx.insertInto('outbox').values(rows).execute();
      if (tokens.length > 0) await tx.insertInto('rsvp_tokens').values(tokens).execute();
    }
    await this.reminders.replan(tx, organizer, after.meeting, afterState.recipients, organization);
    return planned.length;
  }

  /** Queues the current invitation (or cancellation) again for one recipient of a meeting. */
  async resend(
    tx: Db,
    organizer: UserRow,
    version: MeetingVersion,
    deliveryId: string,
  ): Promise<void> {
    // Read through the transaction: SQLite has one connection, held by it until commit.
    const previous = await tx
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', deliveryId)
      .executeTakeFirst();
    if (!previous || previous.meeting_id !== version.meeting.id) throw new AppError('NOT_FOUND');
    const memberEmails = await this.memberEmails(tx, version.participants);
    const recipients = version.participants.flatMap((p) => recipientOf(p, memberEmails));
    const recipient = recipients.find((r) => r.key === previous.recipient_key);
    const kind: InvitationKind =
      version.meeting.status === 'cancelled' || !recipient ? 'cancel' : 'invite';
    const target = recipient ?? rowRecipient(previous);
    const attendees = recipients.filter((r) => r.channel === 'email').map((r) => r.to);
    const organization = await this.options.organization(tx);
    const tokens: RsvpTokensTable[] = [];
    await tx
      .insertInto('outbox')
      .values(
        this.buildRow(
          version.meeting,
          target,
          kind,
          this.renderer(version.meeting, organizer, attendees, organization),
          tokens,
        ),
      )
      .execute();
    if (tokens.length > 0) await tx.insertInto('rsvp_tokens').values(tokens).execute();
  }

  /**
   * Queues an email to a member about one of their meetings that is no invitation (someone
   * answered), in the caller's transaction: shown in the Outbox, never among the meeting's
   * deliveries (kind `answer`).
   */
  async recordNotice(
    tx: Db,
    meeting: Pick<MeetingRow, 'id' | 'sequence'>,
    member: Pick<UserRow, 'id' | 'username' | 'email'>,
    message: Omit<EmailMessage, 'to' | 'messageId'>,
  ): Promise<void> {
    const id = newId();
    const now = this.clock.now().toISOString();
    const payload: EmailMessage = {
      ...message,
      to: member.email,
      messageId: `<${id}@${this.domain}>`,
    };
    await tx
      .insertInto('outbox')
      .values({
        id,
        meeting_id: meeting.id,
        recipient_key: `member:${member.id}`,
        participant_kind: 'member',
        participant_address: member.username,
        channel: 'email',
        kind: 'answer',
        sequence: meeting.sequence,
        payload: JSON.stringify(payload),
        status: this.options.channels.email ? 'queued' : 'kept',
        attempts: 0,
        next_attempt_at: now,
        give_up_at: this.retryDeadline().toISOString(),
        locked_until: null,
        claim_token: null,
        last_error: null,
        created_at: now,
        updated_at: now,
        sent_at: null,
      })
      .execute();
  }

  /** Queues one failed message again for a fresh retry window, and wakes the worker. */
  async retryFailed(id: string): Promise<OutboxRow> {
    const [row] = await this.store.requeueFailed(this.retryDeadline(), id);
    if (!row) {
      throw new AppError((await this.store.get(id)) ? 'NOT_RETRYABLE' : 'NOT_FOUND');
    }
    this.notifyQueued();
    return row;
  }

  /** Queues every failed message again; answers how many. */
  async retryAllFailed(): Promise<number> {
    const rows = await this.store.requeueFailed(this.retryDeadline());
    if (rows.length > 0) this.notifyQueued();
    return rows.length;
  }

  async latestDeliveries(meetingId: string): Promise<OutboxRow[]> {
    return this.store.latestPerRecipient(meetingId);
  }

  /**
   * Renders each kind of message once per change and addresses copies of it: the text, HTML
   * and ICS are the same for every recipient (a 50-person meeting rendered 50 identical ICS
   * files before, the bulk of its creation time in bench/invitations.ts).
   */
  private renderer(
    meeting: MeetingRow,
    organizer: UserRow,
    attendeeEmails: string[],
    organization: InvitationContent['organization'],
  ) {
    const templates = new Map<string, OutboundMessage>();
    return (kind: InvitationKind, channel: 'email' | 'sms'): OutboundMessage => {
      const key = `${channel}:${kind}`;
      let template = templates.get(key);
      if (!template) {
        const content: InvitationContent = {
          kind,
          language: organizer.language,
          meeting: meetingFacts(meeting, this.options.publicUrl),
          organizer: { displayName: organizer.display_name, email: organizer.email },
          organization,
          attendeeEmails,
          domain: this.domain,
          // Every copy gets its own token in place of the slot (buildRow).
          rsvpUrl: kind === 'cancel' ? null : rsvpUrl(this.options.publicUrl, RSVP_TOKEN_SLOT),
          replyAddress: this.options.replyAddress ?? null,
        };
        template = channel === 'email' ? renderEmail(content, '', '') : renderSms(content, '');
        templates.set(key, template);
      }
      return template;
    };
  }

  private buildRow(
    meeting: MeetingRow,
    recipient: Recipient,
    kind: InvitationKind,
    render: (kind: InvitationKind, channel: 'email' | 'sms') => OutboundMessage,
    /** Receives the hash of the personal answer link this message carries, if any. */
    rsvpTokens: RsvpTokensTable[],
  ): Insertable<OutboxTable> {
    const now = this.clock.now();
    const template = this.personalize(
      render(kind, recipient.channel),
      meeting,
      recipient,
      now,
      rsvpTokens,
    );
    return newOutboxRow({
      meeting,
      recipient,
      kind,
      template,
      domain: this.domain,
      now,
      enabled: this.options.channels[recipient.channel],
      giveUpAt: new Date(now.getTime() + this.options.retryWindowMs),
    });
  }

  /** Puts a new personal answer link of this recipient where the template has the slot. */
  private personalize(
    template: OutboundMessage,
    meeting: MeetingRow,
    recipient: Recipient,
    now: Date,
    rsvpTokens: RsvpTokensTable[],
  ): OutboundMessage {
    const slot = rsvpUrl(this.options.publicUrl, RSVP_TOKEN_SLOT);
    if (!template.text.includes(slot)) return template;
    const { token, row } = issueRsvpToken(meeting.id, recipient.key, now);
    rsvpTokens.push(row);
    const link = rsvpUrl(this.options.publicUrl, token);
    return template.channel === 'email'
      ? {
          ...template,
          text: template.text.replaceAll(slot, link),
          html: template.html.replaceAll(slot, link),
        }
      : { ...template, text: template.text.replaceAll(slot, link) };
  }

  private retryDeadline(): Date {
    return new Date(this.clock.now().getTime() + this.options.retryWindowMs);
  }

  private async memberEmails(tx: Db, participants: ParticipantRef[]): Promise<Map<string, string>> {
    const ids = [...new Set(participants.flatMap((p) => (p.userId ? [p.userId] : [])))];
    if (ids.length === 0) return new Map();
    const rows = await tx
      .selectFrom('users')
      .select(['id', 'email'])
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, r.email]));
  }
}

function recipientOf(p: ParticipantRef, memberEmails: Map<string, string>): Recipient[] {
  if (p.kind === 'member') {
    const email = p.userId ? memberEmails.get(p.userId) : undefined;
    if (!p.userId || !email) return [];
    return [
      {
        key: `member:${p.userId}`,
        participantKind: 'member',
        participantAddress: p.address,
        channel: 'email',
        to: email,
      },
    ];
  }
  return [
    {
      key: `${p.kind}:${p.address}`,
      participantKind: p.kind,
      participantAddress: p.address,
      channel: p.kind === 'email' ? 'email' : 'sms',
      to: p.address,
    },
  ];
}

function rowRecipient(row: OutboxRow): Recipient {
  const message = JSON.parse(row.payload) as OutboundMessage;
  return {
    key: row.recipient_key,
    participantKind: row.participant_kind,
    participantAddress: row.participant_address,
    channel: row.channel,
    to: message.to,
  };
}
