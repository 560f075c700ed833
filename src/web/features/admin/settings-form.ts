/**
 * The Settings form's values, checks and change set, without React. A field left empty means
 * "use the default" (sent as null), so what an admin sees empty follows the configuration;
 * except the reminder fields, which show the lead in effect and where empty means "none".
 */
import type { AdminSettings, SettingName, UpdateSettingsBody } from '../../../shared/api.js';
import { SETTINGS_LIMITS, type LimitedSetting } from '../../../shared/settings-limits.js';

export type SettingsValues = Record<SettingName, string>;

export type SettingsProblem =
  | { kind: 'range'; min: number; max: number }
  | { kind: 'length'; min: number; max: number }
  | { kind: 'region' };

export const NUMBER_SETTINGS = [
  'meetingPasswordLength',
  'joinOpensMinutesBefore',
  'joinClosesMinutesAfter',
  'p2pRoomCap',
  'emailReminderMinutes',
  'smsReminderMinutes',
] as const satisfies readonly LimitedSetting[];
export type NumberSetting = (typeof NUMBER_SETTINGS)[number];

const REGION = /^[A-Za-z]{2}$/;
const WHOLE_NUMBER = /^\d+$/;

/** The stored values, as typed in the form; empty for settings that follow the default. */
export function formValues(admin: AdminSettings): SettingsValues {
  const value = (name: SettingName) =>
    admin.overridden.includes(name) ? String(admin.settings[name]) : '';
  return {
    meetingPasswordLength: value('meetingPasswordLength'),
    joinOpensMinutesBefore: value('joinOpensMinutesBefore'),
    joinClosesMinutesAfter: value('joinClosesMinutesAfter'),
    p2pRoomCap: value('p2pRoomCap'),
    defaultPhoneRegion: value('defaultPhoneRegion'),
    organizationName: value('organizationName'),
    emailReminderMinutes: reminder(admin.settings.emailReminderMinutes),
    smsReminderMinutes: reminder(admin.settings.smsReminderMinutes),
    // '' follows the default; 'on' or 'off' is stored here.
    waitingRoomDefault: admin.overridden.includes('waitingRoomDefault')
      ? admin.settings.waitingRoomDefault
        ? 'on'
        : 'off'
      : '',
  };
}

const reminder = (minutes: number | null) => (minutes === null ? '' : String(minutes));

/** What is wrong with each field, by the same rules as the server. */
export function checkSettings(
  values: SettingsValues,
): Partial<Record<SettingName, SettingsProblem>> {
  const problems: Partial<Record<SettingName, SettingsProblem>> = {};
  for (const name of NUMBER_SETTINGS) {
    const raw = values[name].trim();
    const { min, max } = SETTINGS_LIMITS[name];
    if (raw && (!WHOLE_NUMBER.test(raw) || Number(raw) < min || Number(raw) > max)) {
      problems[name] = { kind: 'range', min, max };
    }
  }
  const name = values.organizationName.trim();
  const { min, max } = SETTINGS_LIMITS.organizationName;
  if (name && [...name].length > max) problems.organizationName = { kind: 'length', min, max };
  const region = values.defaultPhoneRegion.trim();
  if (region && !REGION.test(region)) problems.defaultPhoneRegion = { kind: 'region' };
  return problems;
}

/** The PATCH body: every field, empty ones as null (back to the default). */
export function settingsChanges(values: SettingsValues): UpdateSettingsBody {
  const number = (name: NumberSetting) => {
    const raw = values[name].trim();
    return raw ? Number(raw) : null;
  };
  const text = (raw: string) => raw.trim() || null;
  return {
    meetingPasswordLength: number('meetingPasswordLength'),
    joinOpensMinutesBefore: number('joinOpensMinutesBefore'),
    joinClosesMinutesAfter: number('joinClosesMinutesAfter'),
    p2pRoomCap: number('p2pRoomCap'),
    defaultPhoneRegion: text(values.defaultPhoneRegion)?.toUpperCase() ?? null,
    organizationName: text(values.organizationName),
    // Empty: no reminders (null is a value here, not "back to the default").
    emailReminderMinutes: number('emailReminderMinutes'),
    smsReminderMinutes: number('smsReminderMinutes'),
    waitingRoomDefault:
      values.waitingRoomDefault === '' ? null : values.waitingRoomDefault === 'on',
  };
}

/** The field problems of a server refusal (SETTING_OUT_OF_RANGE details, UNKNOWN_REGION). */
export function serverProblems(
  code: string,
  details: unknown,
): Partial<Record<SettingName, SettingsProblem>> {
  if (code === 'UNKNOWN_REGION') return { defaultPhoneRegion: { kind: 'region' } };
  if (code !== 'SETTING_OUT_OF_RANGE') return {};
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  const problems: Partial<Record<SettingName, SettingsProblem>> = {};
  for (const issue of Array.isArray(issues) ? issues : []) {
    const { field, min, max } = issue as { field?: string; min?: number; max?: number };
    if (field && field in SETTINGS_LIMITS && min !== undefined && max !== undefined) {
      problems[field as LimitedSetting] = {
        kind: field === 'organizationName' ? 'length' : 'range',
        min,
        max,
      };
    }
  }
  return problems;
}
