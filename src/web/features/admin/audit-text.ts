/**
 * How audit entries read in the Audit log page: action names, targets and details in the
 * viewer's language. Details come from the server as loose JSON, so each is read defensively.
 */
import type { TFunction } from '../../i18n/translate.js';
import type { AuditEntry, SettingName } from '../../../shared/api.js';
import type { AuditAction } from '../../../shared/audit-actions.js';

const ACTION_KEYS = {
  'session.login': 'audit.action_sessionLogin',
  'session.login_failed': 'audit.action_sessionLoginFailed',
  'member.password_change': 'audit.action_memberPasswordChange',
  'member.create': 'audit.action_memberCreate',
  'member.disable': 'audit.action_memberDisable',
  'member.enable': 'audit.action_memberEnable',
  'member.role_change': 'audit.action_memberRoleChange',
  'member.password_reset': 'audit.action_memberPasswordReset',
  'member.import': 'audit.action_memberImport',
  'meeting.create': 'audit.action_meetingCreate',
  'meeting.update': 'audit.action_meetingUpdate',
  'meeting.password_change': 'audit.action_meetingPasswordChange',
  'meeting.cancel': 'audit.action_meetingCancel',
  'settings.update': 'audit.action_settingsUpdate',
  'settings.logo_upload': 'audit.action_settingsLogoUpload',
  'settings.logo_delete': 'audit.action_settingsLogoDelete',
  'outbox.retry': 'audit.action_outboxRetry',
  'outbox.retry_all': 'audit.action_outboxRetryAll',
  'lobby.password_wrong': 'audit.action_lobbyPasswordWrong',
  'room.admit': 'audit.action_roomAdmit',
  'room.deny': 'audit.action_roomDeny',
  'room.mute': 'audit.action_roomMute',
  'room.stop_video': 'audit.action_roomStopVideo',
  'room.mute_all': 'audit.action_roomMuteAll',
  'room.remove': 'audit.action_roomRemove',
  'room.lock': 'audit.action_roomLock',
  'room.unlock': 'audit.action_roomUnlock',
  'room.end': 'audit.action_roomEnd',
} as const satisfies Record<AuditAction, string>;

const TARGET_KEYS: Record<
  string,
  'audit.target_member' | 'audit.target_meeting' | 'audit.target_outbox'
> = {
  member: 'audit.target_member',
  meeting: 'audit.target_meeting',
  outbox: 'audit.target_outbox',
};

const SETTING_KEYS: Record<string, `settings.${SettingName}`> = {
  meetingPasswordLength: 'settings.meetingPasswordLength',
  joinOpensMinutesBefore: 'settings.joinOpensMinutesBefore',
  joinClosesMinutesAfter: 'settings.joinClosesMinutesAfter',
  p2pRoomCap: 'settings.p2pRoomCap',
  defaultPhoneRegion: 'settings.defaultPhoneRegion',
  organizationName: 'settings.organizationName',
  emailReminderMinutes: 'settings.emailReminderMinutes',
  smsReminderMinutes: 'settings.smsReminderMinutes',
};

const MEETING_FIELD_KEYS: Record<
  string,
  `audit.field_${'name' | 'participants' | 'startsAt' | 'durationMinutes' | 'timeZone' | 'emailReminderMinutes' | 'smsReminderMinutes'}`
> = {
  name: 'audit.field_name',
  participants: 'audit.field_participants',
  startsAt: 'audit.field_startsAt',
  durationMinutes: 'audit.field_durationMinutes',
  timeZone: 'audit.field_timeZone',
  emailReminderMinutes: 'audit.field_emailReminderMinutes',
  smsReminderMinutes: 'audit.field_smsReminderMinutes',
};

export function actionText(t: TFunction, action: AuditAction): string {
  return t(ACTION_KEYS[action]);
}

/** "Meeting", "Member"...: what kind of thing the entry is about, or '' when unknown. */
export function targetKindText(t: TFunction, kind: string): string {
  const key = TARGET_KEYS[kind];
  return key ? t(key) : kind;
}

/** Who acted, as a person reads it: an email, a typed email of a failed login, or nobody known. */
export function actorText(t: TFunction, entry: AuditEntry): string {
  if (entry.action === 'lobby.password_wrong') return t('audit.guest');
  if (!entry.actor.label) return t('audit.anonymous');
  return entry.actor.id ? entry.actor.label : t('audit.typedEmail', { email: entry.actor.label });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const show = (value: unknown) =>
  value === null || value === undefined || value === '' ? '—' : String(value);

export function detailsText(t: TFunction, entry: AuditEntry): string {
  const d = entry.details;
  switch (entry.action) {
    case 'lobby.password_wrong':
      return t('audit.wrongPasswords', { count: entry.count });
    case 'settings.update': {
      const changes = isRecord(d.changes) ? d.changes : {};
      return Object.entries(changes)
        .map(([name, change]) => {
          const label = SETTING_KEYS[name] ? t(SETTING_KEYS[name]) : name;
          const { from, to } = isRecord(change) ? change : {};
          return t('audit.changeFromTo', { label, from: show(from), to: show(to) });
        })
        .join('; ');
    }
    case 'member.create':
      return d.role === 'admin' ? t('admin.role_admin') : t('admin.role_member');
    case 'member.role_change':
      return t('audit.fromTo', {
        from: d.from === 'admin' ? t('admin.role_admin') : t('admin.role_member'),
        to: d.to === 'admin' ? t('admin.role_admin') : t('admin.role_member'),
      });
    case 'member.import':
      return t('admin.importSummary', { created: show(d.created), refused: show(d.refused) });
    case 'meeting.create': {
      const kind = d.kind === 'quick' ? t('audit.quick') : t('audit.scheduled');
      return d.passwordProtected === true ? `${kind}, ${t('audit.protected')}` : kind;
    }
    case 'meeting.update': {
      const fields = Array.isArray(d.fields) ? d.fields.map(String) : [];
      const names = fields.map((f) => (MEETING_FIELD_KEYS[f] ? t(MEETING_FIELD_KEYS[f]) : f));
      return t('audit.changedFields', { fields: names.join(', ') });
    }
    case 'meeting.password_change':
      return d.how === 'typed'
        ? t('audit.password_typed')
        : d.how === 'generated'
          ? t('audit.password_generated')
          : t('audit.password_removed');
    case 'outbox.retry_all':
      return t('outbox.retriedAll', { count: Number(d.retried) || 0 });
    default:
      return '';
  }
}
