/**
 * HTTP contract shared by the server (route schemas, OpenAPI) and the web client (types).
 * Every request body, query and param is parsed with these schemas before anything touches it.
 */
import { z } from 'zod';
import { AUDIT_ACTIONS } from './audit-actions.js';
import { PARTICIPANT_ERROR_CODES } from './errors.js';
import { SETTINGS_LIMITS } from './settings-limits.js';

export const MEETING_NAME_MAX = 200;
export const PARTICIPANTS_MAX = 200;
export const DURATION_DEFAULT_MINUTES = 60;

export const errorBody = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** 304 Not Modified: the `If-None-Match` tag still matches; no body, keep the copy you have. */
export const notModified = z.null().describe('Not modified: no body; the held copy is current.');

// ---- accounts ---------------------------------------------------------------------------------

export const roleSchema = z.enum(['member', 'admin']);
export type Role = z.infer<typeof roleSchema>;

export const languageSchema = z.enum(['en', 'es']);
export type Language = z.infer<typeof languageSchema>;

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().min(1).max(256),
});

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z][a-z0-9._-]{1,31}$/,
    '2 to 32 letters, digits, dots, dashes or underscores, starting with a letter',
  );

export const displayNameSchema = z.string().trim().min(1).max(64);

export const memberSchema = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  avatarUrl: z.string().nullable(),
  language: languageSchema,
  disabled: z.boolean(),
});
export type Member = z.infer<typeof memberSchema>;

/** The logged-in member as they see themselves (GET /api/me): with their own settings. */
export const meSchema = memberSchema.extend({
  /** Email me when an invitee of my meetings answers. */
  notifyOnAnswers: z.boolean(),
  /** Private address of my calendar feed (secret; rotate it to stop the old one). */
  calendarFeedUrl: z.string(),
});
export type Me = z.infer<typeof meSchema>;

export const updateMeBody = z
  .object({
    displayName: displayNameSchema.optional(),
    avatarId: z.string().max(64).nullable().optional(),
    language: languageSchema.optional(),
    notifyOnAnswers: z.boolean().optional(),
  })
  .strict();

export const createMemberBody = z
  .object({
    // Trim before the format check: pasted addresses often carry spaces or tabs.
    email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
    username: usernameSchema,
    displayName: displayNameSchema,
    role: roleSchema.default('member'),
    password: z.string().min(10, 'at least 10 characters').max(256),
  })
  .strict();
/** A member to create, as the server takes it once parsed (the role always set). */
export type NewMember = z.infer<typeof createMemberBody>;

/** A member changing their own password; the new one follows createMemberBody's rule. */
export const changePasswordBody = z
  .object({
    currentPassword: z.string().min(1).max(256),
    newPassword: z.string().min(10, 'at least 10 characters').max(256),
  })
  .strict();

export const updateMemberBody = z
  .object({ disabled: z.boolean().optional(), role: roleSchema.optional() })
  .strict();

/** `q`: case-insensitive substring of email, user name or display name; absent lists all. */
export const listMembersQuery = z.object({ q: z.string().trim().max(100).optional() });

/** Shown once to the admin, to hand over; only its argon2id hash is kept. */
export const resetPasswordReply = z.object({ password: z.string() });

export const MEMBER_IMPORT_MAX_BYTES = 1024 * 1024;
export const MEMBER_IMPORT_MAX_ROWS = 1000;

/** One CSV data row: created (with its initial password, shown once) or refused with a code. */
export const memberImportRowSchema = z.object({
  line: z.number().int(),
  email: z.string(),
  username: z.string(),
  status: z.enum(['created', 'refused']),
  code: z.enum(['VALIDATION', 'EMAIL_TAKEN', 'USERNAME_TAKEN']).optional(),
  message: z.string().optional(),
  password: z.string().optional(),
});
export type MemberImportRow = z.infer<typeof memberImportRowSchema>;

export const memberImportReply = z.object({
  rows: z.array(memberImportRowSchema),
  created: z.number().int(),
  refused: z.number().int(),
});
export type MemberImportReport = z.infer<typeof memberImportReply>;

export const idParams = z.object({ id: z.string().min(1).max(64) });

export const avatarSchema = z.object({ id: z.string(), url: z.string() });

// ---- meetings ---------------------------------------------------------------------------------

export const inviteeKindSchema = z.enum(['email', 'phone', 'member']);
export type InviteeKind = z.infer<typeof inviteeKindSchema>;

/** An invitee's answer to "will you come?"; null until they answer. */
export const inviteeResponseSchema = z.enum(['yes', 'no', 'maybe']);
export type InviteeResponse = z.infer<typeof inviteeResponseSchema>;

export const inviteeSchema = z.object({
  kind: inviteeKindSchema,
  /** Normalized: lower-cased email, E.164 number, or member user name. */
  address: z.string(),
  /** For members, their display name; otherwise null. */
  displayName: z.string().nullable(),
});
export type Invitee = z.infer<typeof inviteeSchema>;

/** An invitee of a meeting, with their answer (personal link or calendar reply) or null. */
export const meetingInviteeSchema = inviteeSchema.extend({
  response: inviteeResponseSchema.nullable(),
});
export type MeetingInvitee = z.infer<typeof meetingInviteeSchema>;

export const inviteeIssueSchema = z.object({
  index: z.number().int(),
  input: z.string(),
  code: z.enum(PARTICIPANT_ERROR_CODES),
  message: z.string(),
});
export type InviteeIssue = z.infer<typeof inviteeIssueSchema>;

export const inviteeInputs = z.array(z.string().max(320)).max(PARTICIPANTS_MAX);

export const checkParticipantsBody = z.object({ participants: inviteeInputs });
export const checkParticipantsReply = z.object({
  results: z.array(
    z.union([
      z.object({ ok: z.literal(true), participant: inviteeSchema }),
      z.object({ ok: z.literal(false), issue: inviteeIssueSchema }),
    ]),
  ),
});

const isoWithOffset = z.iso.datetime({ offset: true });

export const MEETING_PASSWORD_MIN = 6;
export const MEETING_PASSWORD_MAX = 12;

/** Meeting passwords are digits only (the manual), 6 to 12 of them. Admins only. */
export const meetingPasswordSchema = z
  .string()
  .trim()
  .regex(/^\d+$/, 'digits only')
  .min(MEETING_PASSWORD_MIN, `at least ${MEETING_PASSWORD_MIN} digits`)
  .max(MEETING_PASSWORD_MAX, `at most ${MEETING_PASSWORD_MAX} digits`);

/**
 * Admins only (403 ADMIN_ONLY otherwise): `passwordProtected: true` has the server generate a
 * password; `password` sets one. On update, `passwordProtected: false` removes it and
 * `passwordProtected: true` without `password` generates a new one.
 */
const passwordFields = {
  passwordProtected: z.boolean().optional(),
  password: meetingPasswordSchema.optional(),
};

/**
 * Minutes before the start that each invitee gets a reminder, by email (email and member
 * invitees) and by SMS (phone invitees); null sends none. Left out on creation: the Settings'
 * defaults; left out on update: unchanged. The bounds (1 minute to a week) are checked here.
 */
const reminderMinutesSchema = z
  .number()
  .int()
  .min(SETTINGS_LIMITS.emailReminderMinutes.min)
  .max(SETTINGS_LIMITS.emailReminderMinutes.max)
  .nullable()
  .optional();
const reminderFields = {
  emailReminderMinutes: reminderMinutesSchema,
  smsReminderMinutes: reminderMinutesSchema,
};

/**
 * Hosts in control: `waitingRoom` (guests wait until a host lets them in; default from admin
 * Settings) and `cohosts`, user names of members who are hosts like the organizer.
 */
const hostingFields = {
  waitingRoom: z.boolean().optional(),
  cohosts: z.array(usernameSchema).max(PARTICIPANTS_MAX).optional(),
};

export const createMeetingBody = z
  .object({
    name: z.string().trim().min(1).max(MEETING_NAME_MAX),
    participants: inviteeInputs.default([]),
    startsAt: isoWithOffset,
    durationMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .default(DURATION_DEFAULT_MINUTES),
    timeZone: z.string().min(1).max(64),
    ...passwordFields,
    ...reminderFields,
    ...hostingFields,
  })
  .strict();
export type CreateMeetingBody = z.input<typeof createMeetingBody>;

export const updateMeetingBody = z
  .object({
    name: z.string().trim().min(1).max(MEETING_NAME_MAX).optional(),
    participants: inviteeInputs.optional(),
    startsAt: isoWithOffset.optional(),
    durationMinutes: z
      .number()
      .int()
      .min(5)
      .max(24 * 60)
      .optional(),
    timeZone: z.string().min(1).max(64).optional(),
    ...passwordFields,
    ...reminderFields,
    ...hostingFields,
  })
  .strict();
export type UpdateMeetingBody = z.input<typeof updateMeetingBody>;

/** Optional: a quick conference needs nothing, so an empty request is fine. */
export const quickMeetingBody = z
  .object({
    name: z.string().trim().min(1).max(MEETING_NAME_MAX).optional(),
    timeZone: z.string().min(1).max(64).optional(),
    ...passwordFields,
    ...hostingFields,
  })
  .strict()
  .nullish();

/** What a new meeting gets when its form says nothing (admin Settings). */
export const meetingDefaultsReply = z.object({ waitingRoom: z.boolean() });
export type MeetingDefaults = z.infer<typeof meetingDefaultsReply>;

export const meetingStatusSchema = z.enum(['scheduled', 'cancelled']);
export const meetingKindSchema = z.enum(['scheduled', 'quick']);

export const meetingSchema = z.object({
  id: z.string(),
  kind: meetingKindSchema,
  name: z.string(),
  status: meetingStatusSchema,
  /** UTC instant, ISO 8601. For quick conferences, the creation time. */
  startsAt: z.string(),
  durationMinutes: z.number(),
  timeZone: z.string(),
  joinUrl: z.string(),
  organizer: z.object({ id: z.string(), displayName: z.string() }),
  /** True when the viewer organizes this meeting (and so may edit or cancel it). */
  isOrganizer: z.boolean(),
  participants: z.array(meetingInviteeSchema),
  createdAt: z.string(),
  /** Guests must type a password in the lobby (lock icon in lists). */
  passwordProtected: z.boolean(),
  /** The password itself, for the organizer and admins only; null otherwise or when none. */
  password: z.string().nullable(),
  /** Minutes before the start each invitee is reminded by email; null: no reminder. */
  emailReminderMinutes: z.number().int().nullable(),
  /** Minutes before the start each phone invitee is reminded by SMS; null: no reminder. */
  smsReminderMinutes: z.number().int().nullable(),
  /** Guests wait until a host lets them in. */
  waitingRoom: z.boolean(),
  /** User names of the members who are hosts besides the organizer. */
  cohosts: z.array(z.string()),
});
export type Meeting = z.infer<typeof meetingSchema>;

/** Meetings per page when `limit` is absent, and the most one page may hold. */
export const MEETING_PAGE_DEFAULT = 50;
export const MEETING_PAGE_MAX = 100;

/** Paging of meeting lists: the next page starts where the previous page's `nextCursor` says. */
const meetingPageFields = {
  limit: z.coerce.number().int().min(1).max(MEETING_PAGE_MAX).default(MEETING_PAGE_DEFAULT),
  /** Opaque; 400 INVALID_CURSOR when it was not given by this list. */
  cursor: z.string().min(1).max(512).optional(),
};

export const meetingListQuery = z.object({
  scope: z.enum(['upcoming', 'past']).default('upcoming'),
  ...meetingPageFields,
});
export const meetingListReply = z.object({
  meetings: z.array(meetingSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type MeetingPage = z.infer<typeof meetingListReply>;

/** Admins: every meeting of the organization by one filter; upcoming and protected soonest first, past and cancelled newest first. */
export const adminMeetingsQuery = z.object({
  filter: z.enum(['upcoming', 'past', 'cancelled', 'protected']).default('upcoming'),
  /** Case-insensitive part of the meeting name or the organizer's display name. */
  q: z.string().trim().max(100).optional(),
  ...meetingPageFields,
});
export type AdminMeetingsFilter = z.infer<typeof adminMeetingsQuery>['filter'];

// ---- join (public) ----------------------------------------------------------------------------

export const GUEST_NAME_MAX = 64;

export const joinParams = z.object({ token: z.string().min(16).max(128) });

/** `POST /api/rooms/:token/leave`: a closing page whose socket was down says it is leaving. */
export const roomLeaveBody = z.object({
  peerId: z.string().min(1).max(64),
  resumeToken: z.string().min(1).max(128),
});

/** Where a meeting's join window stands at `serverTime`. */
export const joinStateSchema = z.enum(['not_open_yet', 'open', 'ended', 'cancelled']);
export type JoinState = z.infer<typeof joinStateSchema>;

export const joinInfoSchema = z.object({
  name: z.string(),
  kind: meetingKindSchema,
  organizer: z.object({ displayName: z.string() }),
  startsAt: z.string(),
  durationMinutes: z.number(),
  timeZone: z.string(),
  status: meetingStatusSchema,
  passwordRequired: z.boolean(),
  /** Joining is allowed from `opensAt` until `closesAt` (ISO instants). */
  opensAt: z.string(),
  closesAt: z.string(),
  state: joinStateSchema,
  /** The server's clock, so countdowns do not depend on the visitor's clock being right. */
  serverTime: z.string(),
  /** A logged-in member opening the link: they skip the lobby (the manual's rule). */
  viewer: z.object({ displayName: z.string(), avatarUrl: z.string().nullable() }).nullable(),
  /** Who hosts the meeting, from the admin settings: shown at the top of the lobby. */
  organization: z.object({ name: z.string(), logoUrl: z.string().nullable() }),
});
export type JoinInfo = z.infer<typeof joinInfoSchema>;

/** Removes control and bidirectional-override characters, then trims. */
export function cleanDisplayName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').trim();
}

export const guestNameSchema = z
  .string()
  .transform(cleanDisplayName)
  .pipe(
    z
      .string()
      .min(1, 'Please type your name.')
      .refine(
        (name) => [...name].length <= GUEST_NAME_MAX,
        `At most ${GUEST_NAME_MAX} characters.`,
      ),
  );

export const joinBody = z
  .object({
    /** Required for guests; a member may leave it out to use their account's name. */
    displayName: guestNameSchema.optional(),
    avatarId: z.string().max(64).nullable().optional(),
    /** Digits only; required when the meeting is password-protected. */
    password: z.string().max(64).optional(),
  })
  .strict();

export const participantSessionSchema = z.object({
  kind: z.enum(['guest', 'member']),
  displayName: z.string(),
  avatarUrl: z.string().nullable(),
  meeting: z.object({ name: z.string() }),
  /** Until when this guest session works (the meeting's join window end). */
  expiresAt: z.string(),
});
export type ParticipantSession = z.infer<typeof participantSessionSchema>;

export const joinReply = participantSessionSchema.extend({
  /**
   * The guest token (also set as an HttpOnly cookie), for clients that send it as a bearer
   * token on the signaling connection. Null for members, whose login session is used.
   */
  token: z.string().nullable(),
});
export type JoinReply = z.infer<typeof joinReply>;

// ---- replies (public, by personal link) --------------------------------------------------------

export const rsvpParams = z.object({ token: z.string().min(16).max(128) });

export const rsvpBody = z.object({ response: inviteeResponseSchema }).strict();

/** What a personal answer page shows: the meeting, who the link is for, and their answer. */
export const rsvpPageSchema = z.object({
  meeting: z.object({
    name: z.string(),
    status: meetingStatusSchema,
    startsAt: z.string(),
    durationMinutes: z.number(),
    timeZone: z.string(),
    organizer: z.object({ displayName: z.string() }),
    joinUrl: z.string(),
  }),
  /** The invitee as they were invited: email, phone number or member name. */
  invitee: z.string(),
  response: inviteeResponseSchema.nullable(),
  /** "Add to calendar"; null once the meeting is cancelled. */
  calendar: z
    .object({ icsUrl: z.string(), googleUrl: z.string(), outlookUrl: z.string() })
    .nullable(),
  organization: z.object({ name: z.string(), logoUrl: z.string().nullable() }),
});
export type RsvpPage = z.infer<typeof rsvpPageSchema>;

// ---- invitations ------------------------------------------------------------------------------

export const deliveryStatusSchema = z.enum(['queued', 'sent', 'failed', 'kept', 'skipped']);
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;

export const deliverySchema = z.object({
  id: z.string(),
  participant: z.object({ kind: inviteeKindSchema, address: z.string() }),
  channel: z.enum(['email', 'sms']),
  /**
   * What the message announced, a reminder before the start, or `answer` (tells the organizer
   * that an invitee answered).
   */
  kind: z.enum(['invite', 'update', 'cancel', 'reminder', 'answer']),
  /**
   * queued (waiting, retrying, or a reminder not due yet), sent, failed (with lastError), kept
   * (no transport set up), skipped (a reminder still unsent when the meeting began: the server
   * was down at its time, and a late reminder is worse than none).
   */
  status: deliveryStatusSchema,
  /** Reminders: when it is due (ISO instant); null for invitations, which go at once. */
  notBefore: z.string().nullable(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  to: z.string(),
  updatedAt: z.string(),
  sentAt: z.string().nullable(),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryListReply = z.object({ deliveries: z.array(deliverySchema) });

export const deliveryParams = z.object({
  id: z.string().min(1).max(64),
  deliveryId: z.string().min(1).max(64),
});

export const outboxQuery = z.object({
  status: deliveryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const outboxItemSchema = deliverySchema.extend({
  meetingId: z.string(),
  /** Email subject, or the SMS text. */
  summary: z.string(),
  createdAt: z.string(),
});
export type OutboxItem = z.infer<typeof outboxItemSchema>;

export const outboxListReply = z.object({ items: z.array(outboxItemSchema) });

/** POST /api/outbox/retry-failed: how many failed messages were queued again. */
export const outboxRetryAllReply = z.object({ retried: z.number().int() });
export type OutboxRetryAllReply = z.infer<typeof outboxRetryAllReply>;

export const outboxDetailSchema = outboxItemSchema.extend({
  email: z
    .object({
      subject: z.string(),
      text: z.string(),
      html: z.string(),
      /** The calendar part; null for reminders, which change nothing in a calendar. */
      ics: z.string().nullable(),
    })
    .nullable(),
  sms: z.object({ text: z.string() }).nullable(),
});
export type OutboxDetail = z.infer<typeof outboxDetailSchema>;

// ---- settings (admins) ------------------------------------------------------------------------

// The limits live in a module without zod, which the web app imports for its form checks.
export { SETTINGS_LIMITS, type LimitedSetting } from './settings-limits.js';

export const settingsSchema = z.object({
  /** Digits of a generated meeting password. */
  meetingPasswordLength: z.number().int(),
  /** The lobby opens this long before a scheduled start... */
  joinOpensMinutesBefore: z.number().int(),
  /** ...and closes this long after its end. */
  joinClosesMinutesAfter: z.number().int(),
  /** Most people in one peer-to-peer room. */
  p2pRoomCap: z.number().int(),
  /** ISO 3166-1 alpha-2 region of phone numbers typed without +country. */
  defaultPhoneRegion: z.string(),
  /** Shown in invitations and the lobby. */
  organizationName: z.string(),
  /** Public path of the logo (PNG), or null when none is uploaded. */
  organizationLogoUrl: z.string().nullable(),
  /** New meetings remind invitees by email this many minutes before the start; null: none. */
  emailReminderMinutes: z.number().int().nullable(),
  /** ...and phone invitees by SMS; null: none. */
  smsReminderMinutes: z.number().int().nullable(),
  /** Whether new meetings start with a waiting room (guests wait until a host lets them in). */
  waitingRoomDefault: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const SETTING_NAMES = [
  'meetingPasswordLength',
  'joinOpensMinutesBefore',
  'joinClosesMinutesAfter',
  'p2pRoomCap',
  'defaultPhoneRegion',
  'organizationName',
  'emailReminderMinutes',
  'smsReminderMinutes',
  'waitingRoomDefault',
] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

export const adminSettingsReply = z.object({
  settings: settingsSchema,
  /** What each setting is when not set here: the server's configuration. */
  defaults: settingsSchema.omit({ organizationLogoUrl: true }),
  /** The settings stored in the database; the others follow `defaults`. */
  overridden: z.array(z.enum(SETTING_NAMES)),
});
export type AdminSettings = z.infer<typeof adminSettingsReply>;

/**
 * PATCH /api/admin/settings: a new value per field, or null to go back to the default (but
 * see the reminder fields). Types are
 * checked here (400 VALIDATION); ranges and the region by the service (400 SETTING_OUT_OF_RANGE
 * with details.issues [{field, message, min, max}], 400 UNKNOWN_REGION).
 */
export const updateSettingsBody = z
  .object({
    meetingPasswordLength: z.number().int().nullable().optional(),
    joinOpensMinutesBefore: z.number().int().nullable().optional(),
    joinClosesMinutesAfter: z.number().int().nullable().optional(),
    p2pRoomCap: z.number().int().nullable().optional(),
    defaultPhoneRegion: z.string().trim().toUpperCase().max(8).nullable().optional(),
    organizationName: z.string().trim().max(400).nullable().optional(),
    // Here null is a value ("no reminders"), as in meetings; `default` follows the configuration.
    emailReminderMinutes: z.union([z.number().int(), z.null(), z.literal('default')]).optional(),
    smsReminderMinutes: z.union([z.number().int(), z.null(), z.literal('default')]).optional(),
    waitingRoomDefault: z.boolean().nullable().optional(),
  })
  .strict();
export type UpdateSettingsBody = z.infer<typeof updateSettingsBody>;

/** One field refused by PATCH /api/admin/settings (details.issues). */
export interface SettingIssue {
  field: SettingName;
  message: string;
  min?: number;
  max?: number;
}

// ---- audit log (admins) -----------------------------------------------------------------------

// Without zod, so that the web app can list them (the audit page's filter).
export { AUDIT_ACTIONS, type AuditAction } from './audit-actions.js';

export const auditEntrySchema = z.object({
  id: z.string(),
  /** When it happened; for an aggregated row (count > 1), the first occurrence. */
  at: z.string(),
  /** The last occurrence of an aggregated row; equal to `at` otherwise. */
  lastAt: z.string(),
  /** How many times it happened in this row (wrong meeting passwords are aggregated). */
  count: z.number().int(),
  /** The member who acted; null id for anonymous requests (failed logins, guests). */
  actor: z.object({ id: z.string().nullable(), label: z.string() }),
  action: z.enum(AUDIT_ACTIONS),
  target: z.object({ kind: z.string(), id: z.string(), label: z.string() }).nullable(),
  details: z.record(z.string(), z.unknown()),
  /** The request's source address (an IPv6 /64 for lobby password bursts). */
  source: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const AUDIT_PAGE_SIZE_MAX = 200;

export const auditQuery = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  /** Part of the actor's email, in any case. */
  actor: z.string().trim().max(254).optional(),
  /** Entries with activity at or after this instant (ISO 8601). */
  since: z.iso.datetime({ offset: true }).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(AUDIT_PAGE_SIZE_MAX).default(50),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditListReply = z.object({
  entries: z.array(auditEntrySchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** True when a next page exists. */
  hasMore: z.boolean(),
});
export type AuditList = z.infer<typeof auditListReply>;
