/**
 * What a host may do from the room: decide on waiting guests, mute a microphone or stop a
 * camera (one participant or everyone else), remove someone, lock the meeting, end it for
 * everyone. The hub checks that the sender is a host; here each action is applied through the
 * database (what every node must agree on), the bus (news for the sockets concerned, on any
 * node) and the media backend (an SFU enforces a mute), and written to the audit log.
 */
import type { ClientFrame, HostFrameType, WaitingGuest } from '../../shared/signaling.js';
import type { AuditActor, AuditService } from '../audit/audit.js';
import type { Admission, HostingStore } from '../hosting/hosting-store.js';
import type { RoomEntry } from '../lobby/lobby.js';
import type { MediaBackend } from '../media/media-backend.js';
import type { HeldPlaces } from './held-places.js';
import type { RoomBus } from './room-bus.js';
import type { RoomConnection } from './room-connection.js';

export type HostFrame = Extract<ClientFrame, { type: HostFrameType }>;

type Log = { warn(obj: object, msg: string): void };

export function waitingGuest(admission: Admission): WaitingGuest {
  const { waitingId, displayName, avatarUrl, knockedAt } = admission;
  return { waitingId, displayName, avatarUrl, knockedAt };
}

export class HostActions {
  constructor(
    private readonly bus: RoomBus,
    private readonly hosting: HostingStore,
    private readonly places: HeldPlaces,
    private readonly media: MediaBackend,
    private readonly audit: Pick<AuditService, 'record'>,
    private readonly log: Log,
  ) {}

  async handle(
    connection: RoomConnection,
    entry: RoomEntry,
    self: string,
    frame: HostFrame,
  ): Promise<void> {
    const roomId = entry.meetingId;
    const by = entry.session.displayName;
    switch (frame.type) {
      case 'admit':
      case 'deny': {
        const outcome = frame.type === 'admit' ? 'admitted' : 'denied';
        const decided = await this.decide(entry, frame.waitingId, outcome);
        if (!decided) connection.sendError('NOT_WAITING');
        return;
      }
      case 'admitAll':
        for (const guest of await this.hosting.waiting(roomId)) {
          await this.decide(entry, guest.waitingId, 'admitted');
        }
        return;
      case 'mute': {
        const member = await this.bus.member(roomId, frame.peerId);
        if (!member) return connection.sendError('NOT_IN_ROOM');
        await this.mute(roomId, frame.peerId, frame.what, by);
        return this.record(entry, frame.what === 'audio' ? 'room.mute' : 'room.stop_video', {
          participant: member.participant.displayName,
        });
      }
      case 'muteAll': {
        const { members } = await this.bus.snapshot(roomId);
        const others = members.filter((m) => m.participant.peerId !== self);
        for (const member of others) {
          if (member.participant.media.audio) {
            await this.mute(roomId, member.participant.peerId, 'audio', by);
          }
        }
        return this.record(entry, 'room.mute_all', { participants: others.length });
      }
      case 'remove': {
        const member = await this.bus.member(roomId, frame.peerId);
        if (!member) return connection.sendError('NOT_IN_ROOM');
        const { participant, identity } = member;
        await this.hosting.settle(roomId, [{ identity, ...participant }], 'removed', by);
        await this.hosting.endGuestSession(roomId, identity);
        // Told first, so its socket ends as removed rather than as a stale place.
        await this.bus.notify(roomId, {
          type: 'moderated',
          peerId: frame.peerId,
          action: 'removed',
          by,
        });
        await this.places.remove(roomId, frame.peerId, 'left');
        return this.record(entry, 'room.remove', { participant: participant.displayName });
      }
      case 'lock':
        await this.hosting.setLocked(roomId, frame.locked);
        await this.bus.locked(roomId, frame.locked, by);
        return this.record(entry, frame.locked ? 'room.lock' : 'room.unlock', {});
      case 'endMeeting':
        await this.hosting.end(roomId);
        await this.bus.notify(roomId, { type: 'ended', by });
        return this.record(entry, 'room.end', {});
    }
  }

  /** Decides on one waiting guest; false when they were no longer waiting. */
  private async decide(
    entry: RoomEntry,
    waitingId: string,
    outcome: 'admitted' | 'denied',
  ): Promise<boolean> {
    const roomId = entry.meetingId;
    const by = entry.session.displayName;
    const decided = await this.hosting.decide(roomId, waitingId, outcome, by);
    if (!decided) return false;
    await this.bus.notify(roomId, { type: 'admission', waitingId, outcome, by });
    await this.bus.notify(roomId, { type: 'knockEnded', waitingId, outcome });
    await this.record(entry, outcome === 'admitted' ? 'room.admit' : 'room.deny', {
      guest: decided.displayName,
    });
    return true;
  }

  /**
   * Off for everyone at once: the SFU stops forwarding (a modified page cannot keep sending),
   * the roster shows it off, and the person is told by whom. With p2p the page itself stops.
   */
  private async mute(
    roomId: string,
    peerId: string,
    what: 'audio' | 'video',
    by: string,
  ): Promise<void> {
    await this.media.moderate?.(roomId, peerId, what, true);
    await this.bus.update(roomId, peerId, (p) => ({
      ...p,
      media: { ...p.media, [what]: false },
    }));
    const action = what === 'audio' ? 'muted' : 'videoStopped';
    await this.bus.notify(roomId, { type: 'moderated', peerId, action, by });
  }

  private async record(
    entry: RoomEntry,
    action: Parameters<AuditService['record']>[1]['action'],
    details: Record<string, unknown>,
  ): Promise<void> {
    const actor: AuditActor = {
      id: entry.member?.id ?? null,
      label: entry.member?.email ?? entry.session.displayName,
      source: entry.source ?? null,
    };
    const target = { kind: 'meeting' as const, id: entry.meetingId, label: entry.meetingName };
    await this.audit.record(actor, { action, target, details }).catch((error: unknown) => {
      this.log.warn({ err: error, action }, 'host action not audited');
    });
  }
}
