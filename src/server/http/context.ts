/** What every route plugin receives from the composition root. */
import type { Config } from '../config.js';
import type { MembersService } from '../accounts/members.js';
import type { SessionsService } from '../accounts/sessions.js';
import type { AuditService } from '../audit/audit.js';
import type { AvatarsService } from '../avatars/avatars.js';
import type { InvitationsService } from '../invitations/invitations.js';
import type { OutboxStore } from '../invitations/outbox.js';
import type { DeliveryWorker } from '../invitations/worker.js';
import type { LobbyService } from '../lobby/lobby.js';
import type { MeetingsService } from '../meetings/meetings.js';
import type { RoomHub } from '../room/room-hub.js';
import type { SettingsService } from '../settings/settings.js';
import type { Guards } from './auth.js';

export interface Services {
  members: MembersService;
  sessions: SessionsService;
  meetings: MeetingsService;
  avatars: AvatarsService;
  lobby: LobbyService;
  invitations: InvitationsService;
  outbox: OutboxStore;
  /** Delivers outbox rows; started by main.ts (tests drive it by hand). */
  worker: DeliveryWorker;
  /** Admin settings in effect (`get()`), e.g. `p2pRoomCap` for the room. */
  settings: SettingsService;
  audit: AuditService;
  /** The meeting rooms' signaling on this node. */
  rooms: RoomHub;
}

export interface RouteContext {
  config: Config;
  services: Services;
  guards: Guards;
}
