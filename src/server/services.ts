/** Wires the domain services over one database; shared by main.ts and the tests. */
import type { CountryCode } from 'libphonenumber-js/max';
import type { Config } from './config.js';
import type { Clock } from './clock.js';
import { MembersService } from './accounts/members.js';
import { AuditService, DEFAULT_BURST_WINDOW_MS } from './audit/audit.js';
import { SessionsService } from './accounts/sessions.js';
import { AvatarsService } from './avatars/avatars.js';
import { InvitationsService } from './invitations/invitations.js';
import { OutboxStore } from './invitations/outbox.js';
import { DeliveryWorker, type Transports } from './invitations/worker.js';
import { LobbyService } from './lobby/lobby.js';
import { PasswordAttempts } from './lobby/password-attempts.js';
import { MeetingsService } from './meetings/meetings.js';
import { createRoomHub } from './room/create-room-hub.js';
import { LogoFiles } from './settings/logo.js';
import { SettingsService, settingsDefaults } from './settings/settings.js';
import type { Db } from './storage/database.js';
import type { Services } from './http/context.js';
import type { Logger } from 'pino';

const silent = { info() {}, warn() {}, error() {} };

export function createServices(
  db: Db,
  config: Config,
  clock: Clock,
  transports: Transports = { email: undefined, sms: undefined },
  log: Pick<Logger, 'info' | 'warn' | 'error'> = silent,
): Services {
  const members = new MembersService(db, clock);
  const audit = new AuditService(db, clock, {
    retentionMs: config.auditRetentionMs,
    burstWindowMs: DEFAULT_BURST_WINDOW_MS,
  });
  const settings = new SettingsService(
    db,
    clock,
    audit,
    new LogoFiles(config.dataDir),
    settingsDefaults(config),
  );
  const outbox = new OutboxStore(db, clock, config.database.kind);
  const invitations = new InvitationsService(db, outbox, clock, log, {
    publicUrl: config.publicUrl,
    channels: { email: transports.email !== undefined, sms: transports.sms !== undefined },
    retryWindowMs: config.delivery.retryWindowMs,
    organization: async (tx) => {
      const s = await settings.get(tx);
      const logo = s.organizationLogoUrl;
      return { name: s.organizationName, logoUrl: logo && `${config.publicUrl}${logo}` };
    },
  });
  const worker = new DeliveryWorker(outbox, transports, clock, log, {
    retryBaseMs: config.delivery.retryBaseMs,
    retryMaxMs: 10 * 60_000,
    pollMs: 1_000,
    concurrency: 16,
  });
  invitations.onQueued(() => worker.wake());
  return {
    members,
    sessions: new SessionsService(db, clock, config.sessionTtlMs),
    meetings: new MeetingsService(db, members, invitations, clock, {
      publicUrl: config.publicUrl,
      defaultTimeZone: config.defaultTimeZone,
      policy: async () => {
        const s = await settings.get();
        return {
          passwordLength: s.meetingPasswordLength,
          // Checked when set (config.ts, settings.ts), so always one of libphonenumber's regions.
          defaultPhoneRegion: s.defaultPhoneRegion as CountryCode,
        };
      },
    }),
    avatars: new AvatarsService(db, clock, config.dataDir),
    lobby: new LobbyService(
      db,
      clock,
      new PasswordAttempts(clock),
      async () => {
        const s = await settings.get();
        return {
          joinWindow: {
            opensBeforeMs: s.joinOpensMinutesBefore * 60_000,
            closesAfterMs: s.joinClosesMinutesAfter * 60_000,
          },
          organization: { name: s.organizationName, logoUrl: s.organizationLogoUrl },
        };
      },
      audit,
    ),
    invitations,
    outbox,
    worker,
    settings,
    audit,
    rooms: createRoomHub(db, config, clock, log, async () => (await settings.get()).p2pRoomCap),
  };
}
