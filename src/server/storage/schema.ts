/**
 * Table types for Kysely. Instants are ISO 8601 UTC strings (`toISOString()`), which sort
 * correctly as text in both SQLite and PostgreSQL; booleans are 0/1 integers for the same reason.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  username: string;
  display_name: string;
  role: 'member' | 'admin';
  password_hash: string;
  avatar_id: string | null;
  language: 'en' | 'es';
  disabled: number;
  created_at: string;
  /** Secret of the member's calendar feed URL; made on first use, replaced when rotated. */
  calendar_feed_token: string | null;
  /** 1: email the member when an invitee of their meetings answers. */
  notify_on_answers: number;
}

export interface SessionsTable {
  /** SHA-256 of the session token, hex; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

export interface MeetingsTable {
  id: string;
  organizer_id: string;
  kind: 'scheduled' | 'quick';
  name: string;
  status: 'scheduled' | 'cancelled';
  starts_at: string;
  ends_at: string;
  duration_minutes: number;
  time_zone: string;
  join_token: string;
  /** Incremented on every change that invitees must hear about (ICS SEQUENCE). */
  sequence: Generated<number>;
  /** Digits only, set by admins; null for meetings without a password (the default). */
  password: Generated<string | null>;
  /** Minutes before the start an email reminder is due; null: none (quick conferences never). */
  email_reminder_minutes: Generated<number | null>;
  /** Minutes before the start an SMS reminder is due; null: none. */
  sms_reminder_minutes: Generated<number | null>;
  created_at: string;
  updated_at: string;
}

export interface MeetingParticipantsTable {
  meeting_id: string;
  position: number;
  kind: 'email' | 'phone' | 'member';
  address: string;
  user_id: string | null;
}

export interface AvatarsTable {
  id: string;
  owner_user_id: string | null;
  /** Set for pictures uploaded by guests in a meeting's lobby. */
  meeting_id: Generated<string | null>;
  created_at: string;
}

/** An uploaded picture, re-encoded (avatars/reencode.ts): what /avatars/ and /logos/ serve. */
export interface PicturesTable {
  id: string;
  kind: 'avatar' | 'logo';
  /** image/webp for avatars, image/png for logos. */
  content_type: string;
  size_bytes: number;
  bytes: Buffer;
  created_at: string;
}

export interface GuestSessionsTable {
  /** SHA-256 of the guest token; the token itself is never stored. */
  token_hash: string;
  meeting_id: string;
  display_name: string;
  avatar_id: string | null;
  created_at: string;
  expires_at: string;
}

/** `skipped`: a reminder still unsent when its meeting began (the server was down): never sent late. */
export type DeliveryStatus = 'queued' | 'sent' | 'failed' | 'kept' | 'skipped';

/** `answer`: tells an organizer that an invitee answered (never among the deliveries). */
export type OutboxKind = 'invite' | 'update' | 'cancel' | 'reminder' | 'answer';

export interface OutboxTable {
  id: string;
  meeting_id: string;
  /** Who, independent of address changes: `email:<addr>`, `phone:<e164>` or `member:<userId>`. */
  recipient_key: string;
  participant_kind: 'email' | 'phone' | 'member';
  /** As the organizer sees the participant: email, E.164 number or user name. */
  participant_address: string;
  channel: 'email' | 'sms';
  kind: OutboxKind;
  sequence: number;
  /** The rendered OutboundMessage, JSON. */
  payload: string;
  /** `kept`: rendered but no transport is configured for its channel (shown on the Outbox page). */
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  give_up_at: string;
  /** Set while a worker holds the row; an expired lease means the holder died. */
  locked_until: string | null;
  /** Names the claim that set `locked_until`; an outcome is written only under this claim. */
  claim_token: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  /** Reminders: when the row falls due (retries move `next_attempt_at`, never this). */
  not_before: string | null;
  /** Reminders: the meeting's start; a row still unsent then is skipped, not sent late. */
  not_after: string | null;
}

export type InviteeResponse = 'yes' | 'no' | 'maybe';

/** An invitee's answer to a meeting, keyed like outbox rows (`recipient_key`). */
export interface InviteeAnswersTable {
  meeting_id: string;
  recipient_key: string;
  response: InviteeResponse;
  /** Where it came from: the personal link's page, or a calendar's iMIP REPLY by mail. */
  via: 'link' | 'calendar';
  answered_at: string;
}

/** A personal answer link's secret (SHA-256, hex) and the invitee it speaks for. */
export interface RsvpTokensTable {
  token_hash: string;
  meeting_id: string;
  recipient_key: string;
  created_at: string;
}

export interface ChatMessagesTable {
  id: string;
  meeting_id: string;
  /** The sender's room peer id at the time (ids are per connection, not per person). */
  peer_id: string;
  display_name: string;
  text: string;
  sent_at: string;
}

/** The single row (id 1) of settings admins change at run time; null = the config's value. */
export interface SettingsTable {
  id: number;
  meeting_password_length: number | null;
  join_opens_minutes_before: number | null;
  join_closes_minutes_after: number | null;
  p2p_room_cap: number | null;
  default_phone_region: string | null;
  organization_name: string | null;
  /** Names the logo file (`logos/<id>.png` in DATA_DIR); a new upload gets a new id. */
  organization_logo_id: string | null;
  /** Default lead of meetings' reminders, in minutes; 0 stores "no reminder". */
  email_reminder_minutes: number | null;
  sms_reminder_minutes: number | null;
  /** 009-hosting: whether new meetings have a waiting room (null: off). */
  waiting_room_default: number | null;
  updated_at: string;
}

export interface AuditLogTable {
  id: string;
  /** First occurrence. */
  at: string;
  /** Last occurrence; differs from `at` only on aggregated rows. */
  last_at: string;
  count: Generated<number>;
  actor_id: string | null;
  /** The actor's email when the row was written (members can change later), or '' if anonymous. */
  actor_label: string;
  /** One of AUDIT_ACTIONS in src/shared/api.ts. */
  action: string;
  target_kind: string | null;
  target_id: string | null;
  target_label: string | null;
  /** JSON object. */
  details: string;
  source: string | null;
  /** Key of an aggregated row (meeting, source, window); null for single events. */
  burst_key: string | null;
}

/** Hosts in control (009-hosting): per meeting, only once something was set. */
export interface MeetingHostingTable {
  meeting_id: string;
  waiting_room: number;
  locked: number;
  ended_at: string | null;
}

export interface MeetingCohostsTable {
  meeting_id: string;
  user_id: string;
}

export type AdmissionState = 'waiting' | 'admitted' | 'denied' | 'left' | 'removed';

export interface RoomAdmissionsTable {
  /** The waiting guest's id as hosts see it (`waitingId`); random, 128 bits. */
  id: string;
  meeting_id: string;
  /** RoomEntry.identity: `guest:<token hash>` or `member:<id>`; never sent to browsers. */
  identity: string;
  display_name: string;
  avatar_url: string | null;
  state: AdmissionState;
  knocked_at: string;
  /** The host's display name who decided (admitted, denied, removed). */
  decided_by: string | null;
}

export interface Database {
  meeting_hosting: MeetingHostingTable;
  meeting_cohosts: MeetingCohostsTable;
  room_admissions: RoomAdmissionsTable;
  invitee_answers: InviteeAnswersTable;
  rsvp_tokens: RsvpTokensTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  chat_messages: ChatMessagesTable;
  guest_sessions: GuestSessionsTable;
  outbox: OutboxTable;
  users: UsersTable;
  sessions: SessionsTable;
  meetings: MeetingsTable;
  meeting_participants: MeetingParticipantsTable;
  avatars: AvatarsTable;
  pictures: PicturesTable;
}
