/** Wires the domain services over one database; shared by main.ts and the tests. */
import type { CountryCode } from 'libphonenumber-js/max';
import type { Config } from './config.js';
import type { Clock } from './clock.js';
import { MembersService } from './accounts/members.js';
import { SessionsService } from './accounts/sessions.js';
import { AvatarsService } from './avatars/avatars.js';
import { InvitationsService } from './invitations/invitations.js';
import { OutboxStore } from './invitations/outbox.js';
import { DeliveryWorker, type Transports } from './invitations/worker.js';
import { LobbyService } from './lobby/lobby.js';
import { PasswordAttempts } from './lobby/password-attempts.js';
import { MeetingsService } from './meetings/meetings.js';
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
  const outbox = new OutboxStore(db, clock, config.database.kind);
  const invitations = new InvitationsService(db, outbox, clock, {
    publicUrl: config.publicUrl,
    channels: { email: transports.email !== undefined, sms: transports.sms !== undefined },
    retryWindowMs: config.delivery.retryWindowMs,
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
      defaultPhoneRegion: config.defaultPhoneRegion as CountryCode,
      defaultTimeZone: config.defaultTimeZone,
      passwordLength: config.meetingPasswordLength,
    }),
    avatars: new AvatarsService(db, clock, config.dataDir),
    lobby: new LobbyService(db, clock, new PasswordAttempts(clock), config.joinWindow),
    invitations,
    outbox,
    worker,
  };
}
