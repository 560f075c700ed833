/**
 * Settings admins change at run time (Settings page), stored in the one row of `settings`.
 * A setting never set there, or reset (null), follows the configuration (environment), so a
 * fresh install behaves exactly as configured.
 *
 * Reads are served from a cache kept CACHE_TTL_MS, which spares the database a query on every
 * lobby visit and meeting creation. Every change drops it here and, with several app nodes
 * (REDIS_URL), is announced so that every node drops its own: a change takes effect at once
 * everywhere. The TTL stays as the safety net: an announcement sent while Redis is down, or
 * while a node is reconnecting to it, is lost, and that node then catches up within the TTL.
 */
import {
  SETTINGS_LIMITS,
  SETTING_NAMES,
  cleanDisplayName,
  type AdminSettings,
  type LimitedSetting,
  type SettingIssue,
  type SettingName,
  type Settings,
  type UpdateSettingsBody,
} from '../../shared/api.js';
import type { AuditActor, AuditService } from '../audit/audit.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { isValidCountry } from '../meetings/zones.js';
import type { Db } from '../storage/database.js';
import type { SettingsTable } from '../storage/schema.js';
import { logoUrl, type Logos } from './logo.js';

export const CACHE_TTL_MS = 5_000;
const ROW_ID = 1;

export type SettingsDefaults = Omit<Settings, 'organizationLogoUrl'>;

/** What each setting is when the database does not say: the configuration. */
export function settingsDefaults(config: Config): SettingsDefaults {
  return {
    meetingPasswordLength: config.meetingPasswordLength,
    joinOpensMinutesBefore: Math.round(config.joinWindow.opensBeforeMs / 60_000),
    joinClosesMinutesAfter: Math.round(config.joinWindow.closesAfterMs / 60_000),
    p2pRoomCap: config.p2pRoomCap,
    defaultPhoneRegion: config.defaultPhoneRegion,
    organizationName: config.organizationName,
    emailReminderMinutes: config.reminders.emailMinutes,
    smsReminderMinutes: config.reminders.smsMinutes,
    // Off: without a choice in Settings, whoever holds the link is in, as before issue 19.
    waitingRoomDefault: false,
  };
}

/** Stored in a reminder column for "no reminder": null there means "follow the configuration". */
const NO_REMINDER = 0;

type StoredValues = Omit<SettingsTable, 'id' | 'updated_at' | 'organization_logo_id'>;

const COLUMNS = {
  meetingPasswordLength: 'meeting_password_length',
  joinOpensMinutesBefore: 'join_opens_minutes_before',
  joinClosesMinutesAfter: 'join_closes_minutes_after',
  p2pRoomCap: 'p2p_room_cap',
  defaultPhoneRegion: 'default_phone_region',
  organizationName: 'organization_name',
  emailReminderMinutes: 'email_reminder_minutes',
  smsReminderMinutes: 'sms_reminder_minutes',
  waitingRoomDefault: 'waiting_room_default',
} as const satisfies Record<SettingName, keyof StoredValues>;

const EMPTY_ROW: Omit<SettingsTable, 'id'> = {
  meeting_password_length: null,
  join_opens_minutes_before: null,
  join_closes_minutes_after: null,
  p2p_room_cap: null,
  default_phone_region: null,
  organization_name: null,
  organization_logo_id: null,
  email_reminder_minutes: null,
  sms_reminder_minutes: null,
  waiting_room_default: null,
  updated_at: '',
};

/** How a change made on one node reaches the caches of the others (see redis-settings-notices.ts). */
export interface SettingsNotices {
  /** Tells every node that settings changed. Never throws: a lost notice only waits for the TTL. */
  announce(): Promise<void>;
  /** Calls `onChange` whenever a node (this one included) announces a change. */
  listen(onChange: () => void): void;
}

export class SettingsService {
  private cache: { value: Settings; expiresAtMs: number } | undefined;
  /** Bumped on every change, so a read that began before it cannot cache the old values. */
  private generation = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly logos: Logos,
    private readonly defaults: SettingsDefaults,
    /** Set when several nodes share the database; a single node needs only its own cache. */
    private readonly notices?: SettingsNotices,
  ) {
    notices?.listen(() => this.dropCache());
  }

  /**
   * The settings in effect. Inside a transaction pass it as `executor`: SQLite has a single
   * connection, which the transaction holds until it ends.
   */
  async get(executor: Db = this.db): Promise<Settings> {
    if (this.cache && this.cache.expiresAtMs > performance.now()) return this.cache.value;
    const generation = this.generation;
    const value = this.effective(await this.row(executor));
    if (generation === this.generation) {
      this.cache = { value, expiresAtMs: performance.now() + CACHE_TTL_MS };
    }
    return value;
  }

  /** For the Settings page: values in effect, the defaults, and which are set here. */
  async forAdmin(): Promise<AdminSettings> {
    const row = await this.row(this.db);
    return {
      settings: this.effective(row),
      defaults: this.defaults,
      overridden: SETTING_NAMES.filter((name) => row[COLUMNS[name]] !== null),
    };
  }

  /**
   * Applies a change (null puts a setting back to its default) and records it in the audit
   * log in the same transaction. Out-of-range values refuse the whole change.
   */
  async update(patch: UpdateSettingsBody, actor: AuditActor): Promise<AdminSettings> {
    const values = validate(patch);
    await this.db.transaction().execute(async (tx) => {
      const before = await this.row(tx);
      const after = { ...before, ...values };
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const [was, is] = [this.effective(before), this.effective(after)];
      for (const name of SETTING_NAMES) {
        if (before[COLUMNS[name]] !== after[COLUMNS[name]]) {
          changes[name] = { from: was[name], to: is[name] };
        }
      }
      if (Object.keys(changes).length === 0) return;
      await this.write(tx, values);
      await this.audit.record(actor, { action: 'settings.update', details: { changes } }, tx);
    });
    await this.invalidate();
    return this.forAdmin();
  }

  /** Stores a new logo (checked and re-encoded) in place of the current one. */
  async setLogo(bytes: Buffer, actor: AuditActor): Promise<AdminSettings> {
    // Decoded before the transaction: SQLite's one connection is not held while sharp works.
    const png = await this.logos.prepare(bytes);
    await this.db.transaction().execute(async (tx) => {
      const id = await this.logos.store(png, tx);
      const { organization_logo_id: old } = await this.row(tx);
      await this.write(tx, { organization_logo_id: id });
      await this.audit.record(
        actor,
        { action: 'settings.logo_upload', details: { logoId: id } },
        tx,
      );
      if (old) await this.logos.remove(old, tx);
    });
    await this.invalidate();
    return this.forAdmin();
  }

  async removeLogo(actor: AuditActor): Promise<AdminSettings> {
    await this.db.transaction().execute(async (tx) => {
      const { organization_logo_id: old } = await this.row(tx);
      if (!old) return;
      await this.write(tx, { organization_logo_id: null });
      await this.audit.record(
        actor,
        { action: 'settings.logo_delete', details: { logoId: old } },
        tx,
      );
      await this.logos.remove(old, tx);
    });
    await this.invalidate();
    return this.forAdmin();
  }

  /** The PNG of a logo id, current or not yet replaced; undefined when there is none. */
  async readLogo(id: string): Promise<Buffer | undefined> {
    return this.logos.read(id);
  }

  /** After a change has committed: drops this node's cache, then tells the other nodes. */
  private async invalidate(): Promise<void> {
    this.dropCache();
    await this.notices?.announce();
  }

  private dropCache(): void {
    this.generation += 1;
    this.cache = undefined;
  }

  private effective(row: Omit<SettingsTable, 'id'>): Settings {
    const d = this.defaults;
    return {
      meetingPasswordLength: row.meeting_password_length ?? d.meetingPasswordLength,
      joinOpensMinutesBefore: row.join_opens_minutes_before ?? d.joinOpensMinutesBefore,
      joinClosesMinutesAfter: row.join_closes_minutes_after ?? d.joinClosesMinutesAfter,
      p2pRoomCap: row.p2p_room_cap ?? d.p2pRoomCap,
      defaultPhoneRegion: row.default_phone_region ?? d.defaultPhoneRegion,
      organizationName: row.organization_name ?? d.organizationName,
      organizationLogoUrl: logoUrl(row.organization_logo_id),
      emailReminderMinutes: reminderOf(row.email_reminder_minutes, d.emailReminderMinutes),
      smsReminderMinutes: reminderOf(row.sms_reminder_minutes, d.smsReminderMinutes),
      waitingRoomDefault:
        row.waiting_room_default === null ? d.waitingRoomDefault : row.waiting_room_default === 1,
    };
  }

  private async row(executor: Db): Promise<Omit<SettingsTable, 'id'>> {
    const row = await executor
      .selectFrom('settings')
      .selectAll()
      .where('id', '=', ROW_ID)
      .executeTakeFirst();
    return row ?? EMPTY_ROW;
  }

  /** An upsert: the migration creates the row, but a restored or hand-edited database may not. */
  private async write(executor: Db, values: Partial<Omit<SettingsTable, 'id'>>): Promise<void> {
    const set = { ...values, updated_at: this.clock.now().toISOString() };
    await executor
      .insertInto('settings')
      .values({ ...EMPTY_ROW, ...set, id: ROW_ID })
      .onConflict((oc) => oc.column('id').doUpdateSet(set))
      .execute();
  }
}

/** Checks ranges and the region; answers the columns to write. */
function validate(patch: UpdateSettingsBody): Partial<StoredValues> {
  const values: Partial<StoredValues> = {};
  const issues: SettingIssue[] = [];
  const numeric = [
    'meetingPasswordLength',
    'joinOpensMinutesBefore',
    'joinClosesMinutesAfter',
    'p2pRoomCap',
  ] as const;
  for (const name of numeric) {
    const value = patch[name];
    if (value === undefined) continue;
    if (value !== null && !inRange(name, value)) issues.push(rangeIssue(name));
    values[COLUMNS[name]] = value;
  }
  for (const name of ['emailReminderMinutes', 'smsReminderMinutes'] as const) {
    const value = patch[name];
    if (value === undefined) continue;
    if (typeof value === 'number' && !inRange(name, value)) issues.push(rangeIssue(name));
    values[COLUMNS[name]] = value === 'default' ? null : (value ?? NO_REMINDER);
  }
  if (patch.organizationName !== undefined) {
    const name = patch.organizationName === null ? null : cleanDisplayName(patch.organizationName);
    if (name !== null && !inRange('organizationName', [...name].length)) {
      issues.push(rangeIssue('organizationName'));
    }
    values.organization_name = name;
  }
  if (issues.length > 0) {
    const [first] = issues;
    throw new AppError('SETTING_OUT_OF_RANGE', {
      message: first ? `${first.field}: ${first.message}` : undefined,
      details: { issues },
    });
  }
  if (patch.waitingRoomDefault !== undefined) {
    const on = patch.waitingRoomDefault;
    values.waiting_room_default = on === null ? null : on ? 1 : 0;
  }
  if (patch.defaultPhoneRegion !== undefined) {
    const region = patch.defaultPhoneRegion;
    if (region !== null && !isValidCountry(region)) {
      throw new AppError('UNKNOWN_REGION', {
        details: { issues: [{ field: 'defaultPhoneRegion', message: 'unknown region' }] },
      });
    }
    values.default_phone_region = region;
  }
  return values;
}

function reminderOf(stored: number | null, fallback: number | null): number | null {
  if (stored === null) return fallback;
  return stored === NO_REMINDER ? null : stored;
}

function inRange(name: LimitedSetting, value: number): boolean {
  const { min, max } = SETTINGS_LIMITS[name];
  return value >= min && value <= max;
}

function rangeIssue(name: LimitedSetting): SettingIssue {
  const { min, max } = SETTINGS_LIMITS[name];
  const unit = name === 'organizationName' ? ' characters' : '';
  return { field: name, message: `must be from ${min} to ${max}${unit}`, min, max };
}
