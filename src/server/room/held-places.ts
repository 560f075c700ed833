/**
 * The places this node answers for: those of its sockets, and those held for a dropped
 * participant during the grace time (its timer runs here). Other nodes may serve the same room,
 * so every change made for a place names its holder, and a place that moved (a resume on
 * another node) is forgotten here. Also this node's share of the cluster's upkeep: retrying
 * removals Redis refused, adopting the places of stopped nodes, putting back places a restarted
 * Redis lost.
 */
import type { MediaBackend } from '../media/media-backend.js';
import { hashToken } from '../tokens.js';
import {
  holds,
  type LeaveReason,
  type PlaceHolder,
  type RoomBus,
  type RoomMember,
} from './room-bus.js';

export interface Place {
  roomId: string;
  /** As last known here (its participant follows the room's events). */
  member: RoomMember;
  /** The event that gave this node the place; older news about it is ignored. */
  seq: number;
}

type Log = { warn(obj: object, msg: string): void };

/** A place given up while the bus was unreachable, removed when it is back. */
interface Unfinished {
  roomId: string;
  reason: LeaveReason;
  holder: PlaceHolder | undefined;
}

export class HeldPlaces {
  private readonly places = new Map<string, Place>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly unfinished = new Map<string, Unfinished>();
  /**
   * Places given up after their page closed, kept (until `until`, ms) for a reload slower
   * than the hold: it joins again with the same peer id, join time and secret.
   */
  private readonly closedPages = new Map<
    string,
    { roomId: string; member: RoomMember; until: number }
  >();
  private epochs = 0;
  private upkeepRunning = false;

  constructor(
    private readonly bus: RoomBus,
    private readonly media: MediaBackend,
    private readonly log: Log,
    private readonly graceMs: number,
  ) {}

  /** A holder for a new connection (or an adopted place) of this node. */
  nextHolder(): PlaceHolder {
    this.epochs += 1;
    return { node: this.bus.node, epoch: this.epochs };
  }

  get(peerId: string): Place | undefined {
    return this.places.get(peerId);
  }

  set(peerId: string, place: Place): void {
    this.places.set(peerId, place);
  }

  inRoom(roomId: string): Place[] {
    return [...this.places.values()].filter((place) => place.roomId === roomId);
  }

  /** Whether this node runs the timer of a dropped participant. */
  isHeld(peerId: string): boolean {
    return this.timers.has(peerId);
  }

  /** Others see `peerId` as reconnecting until it resumes, or for `waitMs`, then leave. */
  hold(
    roomId: string,
    peerId: string,
    waitMs: number,
    reason: 'left' | 'timeout',
    holder: PlaceHolder,
    onGone: () => void,
  ): void {
    this.cancelHold(peerId);
    const timer = setTimeout(() => {
      this.timers.delete(peerId);
      void this.expire(roomId, peerId, reason, holder).finally(onGone);
    }, waitMs);
    timer.unref();
    this.timers.set(peerId, timer);
  }

  cancelHold(peerId: string): void {
    clearTimeout(this.timers.get(peerId));
    this.timers.delete(peerId);
  }

  /** The place is no longer this node's to answer for. */
  forget(peerId: string): void {
    this.cancelHold(peerId);
    this.places.delete(peerId);
  }

  /** Removes a participant for everyone; when the bus fails, again at each upkeep. */
  async remove(roomId: string, peerId: string, reason: LeaveReason, holder?: PlaceHolder) {
    const place = this.places.get(peerId);
    if (place && holds(place.member, holder)) this.forget(peerId);
    try {
      const event = await this.bus.leave(roomId, peerId, reason, holder);
      this.unfinished.delete(peerId);
      if (event) await this.media.left(roomId, peerId);
    } catch (error) {
      if (!this.unfinished.has(peerId)) {
        this.log.warn({ err: error, roomId, peerId }, 'participant not removed yet; will retry');
      }
      this.unfinished.set(peerId, { roomId, reason, holder });
    }
  }

  /** The place a page gave up on closing, if this is its reload (same session and secret). */
  takeClosedPage(
    roomId: string,
    resume: { peerId: string; resumeToken: string },
    identity: string,
  ): RoomMember | null {
    const closed = this.closedPages.get(resume.peerId);
    if (!closed) return null;
    this.closedPages.delete(resume.peerId);
    const same =
      closed.roomId === roomId &&
      closed.until > Date.now() &&
      closed.member.identity === identity &&
      closed.member.resumeTokenHash === hashToken(resume.resumeToken);
    return same ? closed.member : null;
  }

  dropExpiredClosedPages(now: number): void {
    for (const [peerId, closed] of this.closedPages) {
      if (closed.until <= now) this.closedPages.delete(peerId);
    }
  }

  /**
   * This node's periodic share of keeping the rooms whole across nodes (never throws):
   * removals the bus refused, places of stopped nodes (returned, for the caller to hold), the
   * rooms' shared state kept alive and put back after a Redis restart.
   */
  async upkeep(): Promise<Place[]> {
    if (this.upkeepRunning) return [];
    this.upkeepRunning = true;
    try {
      for (const [peerId, { roomId, reason, holder }] of this.unfinished) {
        await this.remove(roomId, peerId, reason, holder);
      }
      const adopted: Place[] = [];
      for (const { roomId, member } of await this.bus.adoptOrphans(() => this.nextHolder())) {
        const peerId = member.participant.peerId;
        // The page is resuming on this node right now (its place set first, its take-over
        // still on the way): the resume stands. Replaced here, the resume's own `taken` would
        // look like another connection's and end the page as REPLACED.
        if (this.places.has(peerId)) continue;
        const place = { roomId, member, seq: 0 };
        this.places.set(peerId, place);
        adopted.push(place);
      }
      const rooms = new Set([...this.places.values()].map((place) => place.roomId));
      for (const roomId of rooms) {
        const held = this.inRoom(roomId).filter((place) => place.seq !== Infinity);
        const restored = await this.bus.refresh(
          roomId,
          held.map((place) => place.member),
        );
        if (restored > 0) this.log.warn({ roomId, restored }, 'room places put back in Redis');
      }
      return adopted;
    } catch (error) {
      if (this.bus.available) this.log.warn({ err: error }, 'room upkeep failed');
      return [];
    } finally {
      this.upkeepRunning = false;
    }
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async expire(
    roomId: string,
    peerId: string,
    reason: 'left' | 'timeout',
    holder: PlaceHolder,
  ) {
    if (reason === 'left') {
      const member = await this.bus.member(roomId, peerId).catch(() => undefined);
      if (member && holds(member, holder)) {
        this.closedPages.set(peerId, { roomId, member, until: Date.now() + this.graceMs });
      }
    }
    await this.remove(roomId, peerId, reason, holder);
  }
}
