/**
 * Who may take a new place in a room now: hosts always (unless the meeting was ended); others
 * not once removed by a host nor while the meeting is locked; guests, while the waiting room is
 * on, only once a host let them in. Read from the database on every new join, so a switch made
 * on any node applies to the next hello everywhere. Resuming a place one holds needs no check.
 */
import type { SignalingErrorCode } from '../../shared/signaling.js';
import type { HostingStore } from '../hosting/hosting-store.js';
import type { RoomEntry } from '../lobby/lobby.js';

export type GateOutcome =
  /** `recheck`: let in only because the waiting room is off; ask again once the place is taken. */
  | { kind: 'enter'; recheck: boolean }
  | { kind: 'wait' }
  | {
      kind: 'refuse';
      code: Extract<
        SignalingErrorCode,
        'MEETING_ENDED' | 'REMOVED' | 'MEETING_LOCKED' | 'ADMISSION_DENIED'
      >;
    };

export class WaitingRoomGate {
  constructor(private readonly hosting: Pick<HostingStore, 'options' | 'admissionOf'>) {}

  async check(entry: RoomEntry): Promise<GateOutcome> {
    const roomId = entry.meetingId;
    const options = await this.hosting.options(roomId);
    if (options.ended) return { kind: 'refuse', code: 'MEETING_ENDED' };
    if (entry.host) return { kind: 'enter', recheck: false };
    const admission = await this.hosting.admissionOf(roomId, entry.identity);
    if (admission?.state === 'removed') return { kind: 'refuse', code: 'REMOVED' };
    if (options.locked) return { kind: 'refuse', code: 'MEETING_LOCKED' };
    // Members (invited or not) are let in directly; the waiting room is for guest sessions.
    const guest = entry.session.kind === 'guest';
    if (!guest || admission?.state === 'admitted') return { kind: 'enter', recheck: false };
    if (!options.waitingRoom) return { kind: 'enter', recheck: true };
    if (admission?.state === 'denied') return { kind: 'refuse', code: 'ADMISSION_DENIED' };
    return { kind: 'wait' };
  }
}
