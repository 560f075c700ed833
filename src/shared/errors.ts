/**
 * The one catalog of error codes the API answers with. Every error body is `{ code, message }`
 * (plus `details` for per-item validation errors). Codes are stable: clients branch on them,
 * messages are for people. `docs/errors.md` is generated from this table.
 */
export const ERROR_CATALOG = {
  VALIDATION: { status: 400, message: 'Some fields are missing or invalid.' },
  BAD_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'This content type is not accepted here.' },
  START_IN_PAST: { status: 400, message: 'The meeting cannot start in the past.' },
  BAD_TIME_ZONE: { status: 400, message: 'The time zone is not a known IANA time zone.' },
  INVALID_PARTICIPANTS: { status: 400, message: 'Some participants are not valid.' },
  INVALID_CURSOR: {
    status: 400,
    message: 'This page cursor is not one this list gave out; start again from the first page.',
  },
  UNSUPPORTED_IMAGE: {
    status: 400,
    message: 'The picture must be a JPEG, PNG, WebP, GIF or AVIF image.',
  },
  IMAGE_TOO_LARGE: { status: 413, message: 'The picture is too large (at most 5 MB).' },
  IMAGE_TOO_MANY_PIXELS: { status: 400, message: 'The picture has too many pixels.' },
  CSV_INVALID: {
    status: 400,
    message: 'This is not a CSV file with an email, username and displayName header row.',
  },
  CSV_TOO_LARGE: {
    status: 413,
    message: 'The CSV file is too large (at most 1 MB and 1,000 rows).',
  },
  SETTING_OUT_OF_RANGE: {
    status: 400,
    message: 'A setting is outside its allowed range.',
  },
  UNKNOWN_REGION: {
    status: 400,
    message: 'This is not a country code with phone numbers (ISO 3166-1, such as ES or US).',
  },
  CURRENT_PASSWORD_WRONG: { status: 400, message: 'Your current password is not right.' },
  UNAUTHENTICATED: { status: 401, message: 'Please log in first.' },
  BAD_CREDENTIALS: { status: 401, message: 'The email or password is not right.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  FOREIGN_ORIGIN: {
    status: 403,
    message: "This request came from another site's page and was refused.",
  },
  ADMIN_ONLY: { status: 403, message: 'Only an administrator can do this.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  MEETING_NOT_FOUND: { status: 404, message: 'This meeting does not exist.' },
  RSVP_NOT_FOUND: {
    status: 404,
    message: 'This answer link is not valid: it may be incomplete, or you are no longer invited.',
  },
  CALENDAR_FEED_NOT_FOUND: {
    status: 404,
    message: 'This calendar address is not valid (it may have been replaced by a new one).',
  },
  MEMBER_NOT_FOUND: { status: 404, message: 'This member does not exist.' },
  ROOM_PLACE_NOT_FOUND: {
    status: 404,
    message: 'Nobody with this place and secret is in the room (they may have left already).',
  },
  MEETING_CANCELLED: { status: 409, message: 'This meeting has been cancelled.' },
  JOIN_NOT_OPEN_YET: { status: 409, message: 'This meeting is not open for joining yet.' },
  MEETING_ENDED: { status: 409, message: 'This meeting is over.' },
  PASSWORD_REQUIRED: { status: 401, message: 'This meeting needs a password.' },
  PASSWORD_WRONG: { status: 401, message: 'That password is not right. Please try again.' },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    message: 'Please wait a moment before trying the password again.',
  },
  EMAIL_TAKEN: { status: 409, message: 'A member with this email already exists.' },
  USERNAME_TAKEN: { status: 409, message: 'A member with this user name already exists.' },
  CANNOT_DISABLE_SELF: { status: 409, message: 'You cannot disable your own account.' },
  NOT_RETRYABLE: { status: 409, message: 'Only failed messages can be retried.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; please wait a moment.' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: 'This is briefly unavailable; please try again in a moment.',
  },
  ROOM_UNAVAILABLE: {
    status: 503,
    message: 'The meeting room cannot be reached for a moment; please try again shortly.',
  },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
  NODE_DRAINING: {
    status: 503,
    message: 'This server is shutting down; please try again (another one will answer).',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Why one participant entry was refused; the client shows these next to the chip. */
export const PARTICIPANT_ERROR_CODES = [
  'INVALID_EMAIL',
  'INVALID_PHONE',
  'NOT_A_MOBILE',
  'UNKNOWN_MEMBER',
  'UNRECOGNIZED',
] as const;
export type ParticipantErrorCode = (typeof PARTICIPANT_ERROR_CODES)[number];
