/**
 * The audit log's action names. Stable: the web app translates them and filters by them, so
 * renaming one is a breaking change. Free of zod so that the web app can import it.
 */
export const AUDIT_ACTIONS = [
  'session.login',
  'session.login_failed',
  'member.password_change',
  'member.create',
  'member.disable',
  'member.enable',
  'member.role_change',
  'member.password_reset',
  'member.import',
  'meeting.create',
  'meeting.update',
  'meeting.password_change',
  'meeting.cancel',
  'settings.update',
  'settings.logo_upload',
  'settings.logo_delete',
  'outbox.retry',
  'outbox.retry_all',
  'lobby.password_wrong',
  'room.admit',
  'room.deny',
  'room.mute',
  'room.stop_video',
  'room.mute_all',
  'room.remove',
  'room.lock',
  'room.unlock',
  'room.end',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
