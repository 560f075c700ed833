/** Wires the domain services over one database; shared by main.ts and the tests. */
import type { CountryCode } from 'libphonenumber-js/max';
import type { Config } from './config.js';
import type { Clock } from './clock.js';
import { MembersService } from './accounts/members.js';
import { SessionsService } from './accounts/sessions.js';
import { AvatarsService } from './avatars/avatars.js';
import { MeetingsService } from './meetings/meetings.js';
import type { Db } from './storage/database.js';
import type { Services } from './http/context.js';

export function createServices(db: Db, config: Config, clock: Clock): Services {
  const members = new MembersService(db, clock);
  return {
    members,
    sessions: new SessionsService(db, clock, config.sessionTtlMs),
    meetings: new MeetingsService(db, members, clock, {
      publicUrl: config.publicUrl,
      defaultPhoneRegion: config.defaultPhoneRegion as CountryCode,
      defaultTimeZone: config.defaultTimeZone,
    }),
    avatars: new AvatarsService(db, clock, config.dataDir),
  };
}
