/**
 * Allowed values of the settings admins change at run time. Numbers are inclusive bounds; for
 * organizationName they bound its length in characters. Free of zod so that the web app can
 * import it without pulling the validator into its bundle.
 */
export const SETTINGS_LIMITS = {
  meetingPasswordLength: { min: 6, max: 12 },
  joinOpensMinutesBefore: { min: 0, max: 7 * 24 * 60 },
  joinClosesMinutesAfter: { min: 0, max: 7 * 24 * 60 },
  p2pRoomCap: { min: 2, max: 50 },
  organizationName: { min: 1, max: 80 },
  /** Minutes before a scheduled start; up to a week, like the lobby's opening. */
  emailReminderMinutes: { min: 1, max: 7 * 24 * 60 },
  smsReminderMinutes: { min: 1, max: 7 * 24 * 60 },
} as const;
export type LimitedSetting = keyof typeof SETTINGS_LIMITS;
