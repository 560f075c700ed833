/**
 * The rooms as this node sees them: which local sockets belong to which participant, joining
 * (room cap), resuming after a dropped socket (same place, missed events replayed), the grace
 * time before a silent participant is removed for others, and relaying negotiation through the
 * media backend. Shared state goes through the RoomBus, so several nodes can serve one room:
 * a participant may resume on any node, and this node never assumes it is the only one
 * (held-places.ts keeps the places it answers for, local-rooms.ts its sockets and what the
 * bus delivers to them).
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import {
  CLOSE_CODES,
  HOST_FRAME_TYPES,
  MEDIA_PEER_ID,
  PAGE_CLOSE_GRACE_MS,
  type ClientFrame,
  type MediaState,
  type SignalingErrorCode,
  type RoomParticipant,
  type SignalPayload,
  mediaRequestSchema,
  peerSignalSchema,
} from '../../shared/signaling.js';
import type { AuditService } from '../audit/audit.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { HostingStore } from '../hosting/hosting-store.js';
import type { RoomEntry } from '../lobby/lobby.js';
import { MediaRequestError, type MediaBackend, type MediaServers } from '../media/media-backend.js';
import { hashToken, newToken } from '../tokens.js';
import { ChatHistories } from './chat-history.js';
import type { ChatStore } from './chat-store.js';
import { GesturesThrottle } from './gestures-throttle.js';
import { changeHand } from './hands.js';
import { HeldPlaces } from './held-places.js';
import { HostActions, waitingGuest, type HostFrame } from './host-actions.js';
import type { HostNotice } from './host-notices.js';
import { LocalRooms } from './local-rooms.js';
import { RoomConnection, type FrameHandler } from './room-connection.js';
import type { PlaceHolder, RoomBus, RoomMember } from './room-bus.js';
import { WaitingRoomGate, type GateOutcome } from './waiting-room-gate.js';

export interface RoomHubOptions {
  /** How often browsers ping; SILENT_PERIODS_BEFORE_CUT silent periods end a connection. */
  heartbeatMs: number;
  /** How long after its last frame a dropped participant may come back before others lose it. */
  reconnectGraceMs: number;
}

type Log = { warn(obj: object, msg: string): void; debug?(obj: object, msg: string): void };

/**
 * Heartbeat periods a connection may stay silent before the server cuts it. Five, not three: a
 * page starved of CPU (a busy laptop, a room of eight on a small machine) pings late, and each
 * cut costs it and everyone in its room a reconnect and renegotiation, more load on a machine
 * that was short of it. A dead socket is found within 10-12 s (default 2 s period; others see
 * its tile as reconnecting 4 s later than with three). The grace time counts from its last
 * frame, so with the defaults (32 s > 5 periods) a dropped participant leaves no later.
 */
const SILENT_PERIODS_BEFORE_CUT = 5;
/** How long an accepted socket may stay without saying hello. */
const HELLO_TIMEOUT_MS = 10_000;
/** Node timers hold at most 2^31-1 ms; a longer join window is re-checked on reconnect. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Where a hello put its connection. */
interface Seat {
  peerId: string;
  resumeToken: string;
  resumed: boolean;
  /** The page must start its media-server connections again, with this node. */
  mediaReset?: boolean;
}

export class RoomHub implements FrameHandler {
  private readonly rooms: LocalRooms;
  private readonly entries = new WeakMap<RoomConnection, RoomEntry>();
  /** Which place each joined connection holds (node and epoch). */
  private readonly holders = new WeakMap<RoomConnection, PlaceHolder>();
  private readonly closeTimers = new WeakMap<RoomConnection, NodeJS.Timeout>();
  private readonly places: HeldPlaces;
  private readonly gestures = new GesturesThrottle<RoomConnection>();
  private readonly chatHistories: ChatHistories;
  private readonly sweeper: NodeJS.Timeout;
  private readonly gate: WaitingRoomGate;
  private readonly hostActions: HostActions;
  /** The hello of each guest waiting for a host, run again once a host lets them in. */
  private readonly parkedHellos = new WeakMap<RoomConnection, HelloFrame>();

  constructor(
    private readonly bus: RoomBus,
    private readonly chat: ChatStore,
    private readonly media: MediaBackend,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly options: RoomHubOptions,
    private readonly hosting: HostingStore,
    audit: Pick<AuditService, 'record'>,
  ) {
    this.places = new HeldPlaces(bus, media, log, options.reconnectGraceMs);
    this.chatHistories = new ChatHistories(chat);
    this.rooms = new LocalRooms(bus, this.places, this.chatHistories, log, {
      keptSignalMs: options.reconnectGraceMs,
      closedRoom: (connection) =>
        void this.endForGood(connection, CLOSE_CODES.MEETING_NOT_OPEN, 'MEETING_NOT_OPEN'),
      notice: (connection, notice) => this.notice(connection, notice),
      // Its page connects to the media server again through that node (`reset`): this node's
      // connections for it would keep its old feed in the room, and offer it subscriptions.
      movedAway: (roomId, peerId) =>
        void this.media
          .movedAway?.(roomId, peerId)
          .catch((error: unknown) =>
            this.log.warn({ err: error, roomId, peerId }, 'media of a moved place not ended'),
          ),
    });
    this.gate = new WaitingRoomGate(hosting);
    this.hostActions = new HostActions(bus, hosting, this.places, media, audit, log);
    this.sweeper = setInterval(() => this.sweep(), options.heartbeatMs);
    this.sweeper.unref();
  }

  /** False while the rooms' shared state (Redis) cannot be reached: nobody can enter. */
  get available(): boolean {
    return this.bus.available;
  }

  /** A socket whose request the lobby already authenticated for `entry`'s meeting. */
  accept(socket: WebSocket, entry: RoomEntry): void {
    const connection = new RoomConnection(socket, this);
    connection.host = entry.host;
    this.entries.set(connection, entry);
    // The sweep only sees connections in a room: one that never says hello is closed here.
    const helloTimer = setTimeout(() => {
      // A guest in the waiting room said hello: they wait as long as it takes a host.
      if (!connection.peerId && !connection.waitingId) connection.end(CLOSE_CODES.TIMED_OUT);
    }, HELLO_TIMEOUT_MS);
    helloTimer.unref();
    const untilClose = entry.closesAt.getTime() - this.clock.now().getTime();
    if (untilClose < MAX_TIMER_MS) {
      const timer = setTimeout(
        () => void this.endForGood(connection, CLOSE_CODES.MEETING_NOT_OPEN, 'MEETING_NOT_OPEN'),
        Math.max(0, untilClose),
      );
      timer.unref();
      this.closeTimers.set(connection, timer);
    }
  }

  async frame(connection: RoomConnection, frame: ClientFrame): Promise<void> {
    const entry = this.entries.get(connection);
    if (!entry) return;
    if (frame.type === 'ping') return connection.send({ type: 'pong', at: frame.at });
    if (frame.type === 'hello') {
      if (connection.peerId || connection.waitingId) return connection.sendError('ALREADY_JOINED');
      return this.hello(connection, entry, frame);
    }
    const peerId = connection.peerId;
    if (!peerId || !connection.isLive) return connection.sendError('NOT_JOINED');
    try {
      if (isHostFrame(frame)) {
        // Checked here, before anything is read or changed: a guest's host frame does nothing.
        if (!entry.host) return connection.sendError('FORBIDDEN');
        return await this.hostActions.handle(connection, entry, peerId, frame);
      }
      await this.inRoom(connection, entry, peerId, frame);
    } catch (error) {
      // Redis is down: this frame is lost, the socket stays (the room goes on when it is back).
      if (!this.bus.available) return connection.sendError('ROOM_UNAVAILABLE');
      throw error;
    }
  }

  private async inRoom(
    connection: RoomConnection,
    entry: RoomEntry,
    peerId: string,
    frame: Exclude<ClientFrame, { type: 'hello' | 'ping' } | HostFrame>,
  ): Promise<void> {
    const roomId = entry.meetingId;
    switch (frame.type) {
      case 'media':
        await this.unmuteIfTurnedOn(roomId, peerId, frame.media);
        await this.bus.update(
          roomId,
          peerId,
          (p) => ({ ...p, media: frame.media }),
          this.holders.get(connection),
        );
        return;
      case 'signal':
        if (frame.to === MEDIA_PEER_ID && this.media.name !== 'p2p') {
          return this.requestMedia(connection, roomId, peerId, frame.payload);
        }
        if (frame.to === peerId || !(await this.bus.member(roomId, frame.to))) {
          return connection.sendError('UNKNOWN_PEER');
        }
        return this.relay(connection, roomId, peerId, frame.to, frame.payload);
      case 'chat':
        return this.sendChat(roomId, peerId, entry, frame.text);
      case 'hand':
      case 'reaction':
        return this.gesture(connection, entry, peerId, frame);
      case 'leave':
        if (frame.pageClosing) return this.closingPage(connection);
        return this.endForGood(connection, CLOSE_CODES.LEFT);
    }
  }

  /**
   * A microphone or camera its owner turns on again: a host's mute of it, which an SFU enforces,
   * ends. Asked only on the change (from off, as this node last saw the place), not per frame.
   */
  private async unmuteIfTurnedOn(roomId: string, peerId: string, media: MediaState) {
    if (!this.media.moderate) return;
    const before = this.places.get(peerId)?.member.participant.media;
    for (const what of ['audio', 'video'] as const) {
      if (media[what] && before?.[what] === false) {
        await this.media.moderate(roomId, peerId, what, false).catch((error: unknown) => {
          this.log.warn({ err: error, roomId, peerId }, 'media server did not unmute');
        });
      }
    }
  }

  /**
   * Negotiation with an SFU. What a browser may not ask of the media server (a kind only the
   * server sends, a description for no connection) fails the parse; that, and anything the
   * media server refuses, is this participant's `MEDIA_ERROR`, and the room goes on.
   */
  private async requestMedia(
    connection: RoomConnection,
    roomId: string,
    peerId: string,
    payload: SignalPayload,
  ): Promise<void> {
    const request = mediaRequestSchema.safeParse(payload);
    try {
      if (!request.success) throw new MediaRequestError(request.error.message);
      await this.media.request(roomId, peerId, request.data);
    } catch (error) {
      this.log.warn({ err: error, roomId, peerId }, 'media server refused a request');
      connection.sendError('MEDIA_ERROR');
    }
  }

  /** p2p: a message for another participant, of a kind browsers send each other. */
  private async relay(
    connection: RoomConnection,
    roomId: string,
    from: string,
    to: string,
    payload: SignalPayload,
  ): Promise<void> {
    const signal = peerSignalSchema.safeParse(payload);
    if (!signal.success) return connection.sendError('BAD_FRAME');
    try {
      await this.media.relay(roomId, from, to, signal.data);
    } catch (error) {
      if (!(error instanceof MediaRequestError)) throw error;
      connection.sendError('MEDIA_ERROR');
    }
  }

  /** A hand raised or lowered, or a reaction: capped per connection (a flood is dropped, not cut). */
  private async gesture(
    connection: RoomConnection,
    entry: RoomEntry,
    peerId: string,
    frame: Extract<ClientFrame, { type: 'hand' | 'reaction' }>,
  ): Promise<void> {
    if (!this.gestures.take(connection)) return connection.sendError('THROTTLED');
    const roomId = entry.meetingId;
    if (frame.type === 'reaction') return this.bus.react(roomId, peerId, frame.reaction);
    const sender = { peerId, host: entry.host, holder: this.holders.get(connection) };
    const refused = await changeHand(this.bus, roomId, sender, frame, this.clock.now());
    if (refused) connection.sendError(refused);
  }

  /** The socket is gone. Unless it ended on purpose, its place is held for the grace time. */
  closed(connection: RoomConnection): void {
    const entry = this.entries.get(connection);
    clearTimeout(this.closeTimers.get(connection));
    if (entry && connection.waitingId) return this.stopWaiting(connection, entry);
    const peerId = connection.peerId;
    if (!entry || !peerId) return;
    const roomId = entry.meetingId;
    if (!this.rooms.unseat(connection, roomId, peerId)) return;
    const holder = this.holders.get(connection);
    const place = this.places.get(peerId);
    // Ended on purpose, or the place moved on (resumed elsewhere): nothing to hold here.
    if (connection.ended || !holder || !place || place.member.holder.epoch !== holder.epoch) {
      return this.rooms.releaseIfIdle(roomId);
    }
    this.bus
      .update(roomId, peerId, (p) => ({ ...p, reconnecting: true }), holder)
      .catch((error: unknown) => this.log.warn({ err: error, roomId, peerId }, 'not marked'));
    if (connection.holdAfterCloseMs !== null) {
      return this.holdPlace(roomId, peerId, connection.holdAfterCloseMs, 'left', holder);
    }
    const graceLeft = connection.lastFrameAt + this.options.reconnectGraceMs - Date.now();
    this.holdPlace(roomId, peerId, Math.max(0, graceLeft), 'timeout', holder);
  }

  /**
   * `POST /api/rooms/:token/leave`: a closing page whose socket was down (reconnecting) says
   * so with a beacon, authenticated by its resume secret. False when there is no such place.
   * The place may be held by another node; the removal applies only if it still is then.
   */
  async leaveByBeacon(roomId: string, peerId: string, resumeToken: string): Promise<boolean> {
    const member = await this.bus.member(roomId, peerId).catch((error: unknown) => {
      throw new AppError('ROOM_UNAVAILABLE', { cause: error });
    });
    if (member?.resumeTokenHash !== hashToken(resumeToken)) return false;
    const live = this.rooms.connection(roomId, peerId);
    if (live) this.closingPage(live);
    else this.holdPlace(roomId, peerId, PAGE_CLOSE_GRACE_MS, 'left', member.holder);
    return true;
  }

  /**
   * The waiting room was switched on: the guests in the room now are marked admitted, so that a
   * reload or a dropped connection does not send them to wait. One who joins meanwhile is
   * either in this snapshot or sees the switch when the gate asks again (newPlace).
   */
  async admitPresent(roomId: string): Promise<void> {
    const { members } = await this.bus.snapshot(roomId);
    const guests = members
      .filter((m) => m.participant.kind === 'guest')
      .map(({ identity, participant }) => ({ identity, ...participant }));
    await this.hosting.settle(roomId, guests, 'admitted', 'waiting room switched on');
  }

  /** The meeting was cancelled: everyone in its room is told and disconnected, on every node. */
  async closeRoom(roomId: string): Promise<void> {
    try {
      await this.bus.close(roomId);
    } catch (error) {
      // The cancellation stands; sockets end when their join window does, and none reconnects.
      this.log.warn({ err: error, roomId }, 'room not closed on every node');
    }
  }

  /**
   * Shutting down: every socket is told to reconnect at once (NODE_DRAINING; the balancer sends
   * it to another node, if there is one), and chat messages still queued are written before
   * the database closes. The places this node held are adopted by another node (when there is
   * one): resumed there at once, or timed out there.
   */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    void this.media.close?.().catch(() => {});
    this.places.stop();
    this.bus.stop();
    for (const connection of this.rooms.connections()) {
      connection.ended = true;
      connection.socket.close(CLOSE_CODES.NODE_DRAINING, 'NODE_DRAINING');
    }
    await this.chat.flush();
  }

  /** What /metrics shows of the rooms on this node; read at each scrape. */
  stats(): { rooms: number; participants: number; mediaServers: MediaServers | undefined } {
    return { ...this.rooms.counts(), mediaServers: this.media.mediaServers?.() };
  }

  /** Joins or resumes; when the room's shared state cannot be reached, says so and closes. */
  private async hello(
    connection: RoomConnection,
    entry: RoomEntry,
    frame: Extract<ClientFrame, { type: 'hello' }>,
  ): Promise<void> {
    try {
      await this.enter(connection, entry, frame);
    } catch (error) {
      this.log.warn({ err: error, roomId: entry.meetingId }, 'hello failed');
      const roomId = entry.meetingId;
      const peerId = connection.peerId;
      const holder = this.holders.get(connection);
      if (peerId && this.rooms.unseat(connection, roomId, peerId)) {
        // A place taken before the failure is held as after a drop, for a reconnect to resume.
        const place = this.places.get(peerId);
        if (holder && place?.member.holder.epoch === holder.epoch) {
          this.holdPlace(roomId, peerId, this.options.reconnectGraceMs, 'timeout', holder);
        }
      }
      connection.peerId = null;
      connection.end(CLOSE_CODES.ROOM_UNAVAILABLE, 'ROOM_UNAVAILABLE');
      this.rooms.releaseIfIdle(roomId);
    }
  }

  private async enter(
    connection: RoomConnection,
    entry: RoomEntry,
    frame: Extract<ClientFrame, { type: 'hello' }>,
  ): Promise<void> {
    const roomId = entry.meetingId;
    const resume = frame.resume;
    // Subscribed first: every event after the snapshot below then reaches this connection.
    await this.rooms.listen(roomId);
    const holder = this.places.nextHolder();
    this.holders.set(connection, holder);
    const previous = resume && (await this.bus.member(roomId, resume.peerId));
    const resumable =
      previous !== undefined &&
      resume !== undefined &&
      previous.identity === entry.identity &&
      previous.resumeTokenHash === hashToken(resume.resumeToken);
    const seat =
      (resumable && (await this.resumePlace(connection, roomId, resume, previous, holder))) ||
      (await this.newPlace(connection, entry, frame, holder));
    if (!seat) return;
    const { peerId, resumeToken, resumed, mediaReset } = seat;
    const hosting = await this.hosting.options(roomId);
    const waiting = entry.host ? (await this.hosting.waiting(roomId)).map(waitingGuest) : [];

    const snapshot = await this.bus.snapshot(roomId);
    // Read after the snapshot, so every event up to its seq is either replayed or in it. When
    // the log no longer reaches back (or Redis lost it), the snapshot alone brings the page up.
    const missed =
      resumed && resume ? ((await this.bus.eventsSince(roomId, resume.lastSeq)) ?? []) : [];
    const chat = await this.chatHistories.json(
      roomId,
      this.rooms.deliveredUpTo(roomId, snapshot.seq),
    );
    const kept = await this.bus.takeSignals(roomId, peerId);
    if (mediaReset) kept.push({ from: MEDIA_PEER_ID, payload: { kind: 'reset' } });
    connection.sendWelcome(
      {
        type: 'welcome',
        peerId,
        resumeToken,
        seq: snapshot.seq,
        resumed,
        participants: snapshot.members.map((m) => m.participant),
        media: {
          backend: this.media.name,
          iceServers: this.media.iceServers(peerId),
          roomCap: await this.media.roomCap(),
        },
        heartbeatMs: this.options.heartbeatMs,
        host: entry.host,
        locked: hosting.locked,
        waiting,
      },
      chat,
    );
    for (const event of missed) if (event.seq <= snapshot.seq) connection.send(event);
    connection.goLive(
      snapshot.seq,
      kept.map(({ from, payload }) => ({ type: 'signal', from, payload })),
    );
  }

  /** Takes a held place back, maybe from another node; null when it was gone meanwhile. */
  private async resumePlace(
    connection: RoomConnection,
    roomId: string,
    resume: NonNullable<Extract<ClientFrame, { type: 'hello' }>['resume']>,
    previous: RoomMember,
    holder: PlaceHolder,
  ): Promise<Seat | null> {
    const peerId = resume.peerId;
    this.places.cancelHold(peerId);
    // The old socket may still look open (a half-dead connection): this one replaces it.
    // One on another node is told by the take-over (`taken`).
    const stale = this.rooms.connection(roomId, peerId);
    if (stale && stale !== connection) stale.end(CLOSE_CODES.REPLACED, 'REPLACED');
    this.rooms.seat(connection, roomId, peerId);
    this.places.set(peerId, { roomId, member: { ...previous, holder }, seq: Infinity });
    const taken = await this.bus.takeOver(roomId, peerId, holder);
    if (taken?.type !== 'updated') {
      this.places.forget(peerId);
      return null;
    }
    const member = { ...previous, participant: taken.participant, holder };
    this.places.set(peerId, { roomId, member, seq: taken.seq });
    if (resume.reload) {
      // A reloaded page: what the media backend held for the old page's connections is gone.
      await this.media.left(roomId, peerId);
      await this.bus.restarted(roomId, peerId);
    }
    // A place another node held (it died or drained): that node's media-server connections for
    // the page are gone or going, and this node's backend never had them. Through an SFU the
    // page connects again via this node; in a mesh the browsers' own connections carry on.
    const mediaReset =
      !resume.reload && this.media.name !== 'p2p' && previous.holder.node !== holder.node;
    return { peerId, resumeToken: resume.resumeToken, resumed: true, mediaReset };
  }

  /**
   * A new place, once the waiting room and the lock let this entry in; null when they do not
   * (the guest waits, or is refused and closed). The gate is asked again after the join: a
   * host who switched the waiting room on meanwhile sends this guest to wait (the switch
   * admits only those already in the room), so no early arrival slips in between.
   */
  private async newPlace(
    connection: RoomConnection,
    entry: RoomEntry,
    frame: HelloFrame,
    holder: PlaceHolder,
  ): Promise<Seat | null> {
    const before = await this.gate.check(entry);
    if (before.kind !== 'enter') return this.stopAtGate(connection, entry, frame, before);
    const seat = await this.joinPlace(connection, entry, frame, holder);
    if (!seat || !before.recheck) return seat;
    const after = await this.gate.check(entry);
    if (after.kind === 'enter') return seat;
    const roomId = entry.meetingId;
    this.rooms.unseat(connection, roomId, seat.peerId);
    connection.peerId = null;
    await this.places.remove(roomId, seat.peerId, 'left', holder);
    return this.stopAtGate(connection, entry, frame, after);
  }

  /** The guest waits for a host (nothing of the room reaches them), or is refused. */
  private async stopAtGate(
    connection: RoomConnection,
    entry: RoomEntry,
    frame: HelloFrame,
    outcome: Exclude<GateOutcome, { kind: 'enter' }>,
  ): Promise<null> {
    const roomId = entry.meetingId;
    if (outcome.kind === 'refuse') {
      connection.end(CLOSE_CODES[outcome.code], outcome.code);
      this.rooms.releaseIfIdle(roomId);
      return null;
    }
    const { displayName, avatarUrl } = entry.session;
    const knock = await this.hosting.knock(roomId, entry.identity, { displayName, avatarUrl });
    if (connection.socket.readyState !== connection.socket.OPEN) {
      await this.hosting.stopWaiting(roomId, knock.waitingId);
      this.rooms.releaseIfIdle(roomId);
      return null;
    }
    this.rooms.park(connection, roomId, knock.waitingId);
    this.parkedHellos.set(connection, frame);
    const { members } = await this.bus.snapshot(roomId);
    connection.send({ type: 'waiting', hostPresent: members.some((m) => m.participant.host) });
    await this.bus.notify(roomId, { type: 'knock', guest: waitingGuest(knock) });
    return null;
  }

  /** A waiting guest's socket closed: hosts no longer see them (they knock again on return). */
  private stopWaiting(connection: RoomConnection, entry: RoomEntry): void {
    const roomId = entry.meetingId;
    const waitingId = connection.waitingId;
    if (!waitingId || !this.rooms.unpark(connection, roomId)) return;
    this.rooms.releaseIfIdle(roomId);
    void this.hosting
      .stopWaiting(roomId, waitingId)
      .then(async (stopped) => {
        if (stopped)
          await this.bus.notify(roomId, { type: 'knockEnded', waitingId, outcome: 'left' });
      })
      .catch((error: unknown) => this.log.warn({ err: error, roomId }, 'waiting not ended'));
  }

  /** A host's decision or action reached a socket of this node. */
  private notice(connection: RoomConnection, notice: HostNotice): void {
    const entry = this.entries.get(connection);
    if (!entry) return;
    const roomId = entry.meetingId;
    switch (notice.type) {
      case 'knock':
        return connection.deliver({ type: 'knock', guest: notice.guest });
      case 'knockEnded':
        return connection.deliver({
          type: 'knockEnded',
          waitingId: notice.waitingId,
          outcome: notice.outcome,
        });
      case 'admission': {
        const hello = this.parkedHellos.get(connection);
        if (!hello || !this.rooms.unpark(connection, roomId)) return;
        this.parkedHellos.delete(connection);
        if (notice.outcome === 'admitted') return void this.hello(connection, entry, hello);
        connection.send({ type: 'moderated', action: 'denied', by: notice.by });
        connection.end(CLOSE_CODES.ADMISSION_DENIED, 'ADMISSION_DENIED');
        return this.rooms.releaseIfIdle(roomId);
      }
      case 'moderated':
        connection.deliver({ type: 'moderated', action: notice.action, by: notice.by });
        if (notice.action === 'removed') connection.end(CLOSE_CODES.REMOVED, 'REMOVED');
        return;
      case 'ended':
        connection.send({ type: 'moderated', action: 'ended', by: notice.by });
        if (this.rooms.unpark(connection, roomId)) {
          connection.end(CLOSE_CODES.MEETING_ENDED, 'MEETING_ENDED');
          return this.rooms.releaseIfIdle(roomId);
        }
        return void this.endForGood(connection, CLOSE_CODES.MEETING_ENDED, 'MEETING_ENDED');
    }
  }

  /** A new place in the room; null (and the connection closed) when the room is full. */
  private async joinPlace(
    connection: RoomConnection,
    entry: RoomEntry,
    frame: Extract<ClientFrame, { type: 'hello' }>,
    holder: PlaceHolder,
  ): Promise<Seat | null> {
    const roomId = entry.meetingId;
    const resume = frame.resume;
    // A reload that came after its closing page's hold: the same place again, as a new join.
    const closed = resume?.reload
      ? this.places.takeClosedPage(roomId, resume, entry.identity)
      : null;
    await this.replaceDroppedTwin(roomId, entry.identity);
    const peerId = closed?.participant.peerId ?? randomBytes(9).toString('base64url');
    const resumeToken = closed && resume ? resume.resumeToken : newToken();
    this.rooms.seat(connection, roomId, peerId);
    const participant: RoomParticipant = {
      peerId,
      displayName: entry.session.displayName,
      avatarUrl: entry.session.avatarUrl,
      kind: entry.session.kind,
      joinedAt: closed?.participant.joinedAt ?? this.clock.now().toISOString(),
      media: frame.media,
      reconnecting: false,
      ...(entry.host ? { host: true } : {}),
    };
    const member = {
      participant,
      identity: entry.identity,
      resumeTokenHash: hashToken(resumeToken),
      holder,
    };
    this.places.set(peerId, { roomId, member, seq: Infinity });
    const joined = await this.bus.join(roomId, member, await this.media.roomCap());
    if (joined === 'full') {
      this.places.forget(peerId);
      this.rooms.unseat(connection, roomId, peerId);
      connection.peerId = null;
      connection.end(CLOSE_CODES.ROOM_FULL, 'ROOM_FULL');
      this.rooms.releaseIfIdle(roomId);
      return null;
    }
    this.places.set(peerId, { roomId, member, seq: joined.seq });
    return { peerId, resumeToken, resumed: false };
  }

  /** The page is going away: its place is held a moment for a reload, then the others see it leave. */
  private closingPage(connection: RoomConnection): void {
    connection.holdAfterCloseMs = PAGE_CLOSE_GRACE_MS;
    connection.socket.close(CLOSE_CODES.LEFT, 'page closing');
  }

  /** Others see `peerId` as reconnecting until it resumes, or for `waitMs`, then leave. */
  private holdPlace(
    roomId: string,
    peerId: string,
    waitMs: number,
    reason: 'left' | 'timeout',
    holder: PlaceHolder,
  ): void {
    this.places.hold(roomId, peerId, waitMs, reason, holder, () =>
      this.rooms.releaseIfIdle(roomId),
    );
  }

  /** A fresh join by someone whose earlier connection dropped: the old tile goes at once. */
  private async replaceDroppedTwin(roomId: string, identity: string): Promise<void> {
    const { members } = await this.bus.snapshot(roomId);
    for (const member of members) {
      if (member.identity === identity && member.participant.reconnecting) {
        await this.places.remove(roomId, member.participant.peerId, 'replaced');
      }
    }
  }

  private async sendChat(roomId: string, peerId: string, entry: RoomEntry, text: string) {
    const message = {
      id: this.chat.newId(),
      peerId,
      displayName: entry.session.displayName,
      text,
      sentAt: this.clock.now().toISOString(),
    };
    // Stored first (in one write with the rest of this tick's messages): a late joiner's history
    // then never misses a message it gets no event for, and one that was not stored reaches no one.
    try {
      await this.chat.add(roomId, message);
    } catch (error) {
      this.log.warn(
        { err: error, roomId, peerId, messageId: message.id },
        'chat message not stored',
      );
      throw error;
    }
    await this.bus.chat(roomId, message);
  }

  /** Ends the connection and removes its place for everyone (never rejects). */
  private async endForGood(
    connection: RoomConnection,
    code: number,
    error?: SignalingErrorCode,
  ): Promise<void> {
    const entry = this.entries.get(connection);
    connection.end(code, error);
    if (!entry || !connection.peerId) return;
    await this.places.remove(
      entry.meetingId,
      connection.peerId,
      'left',
      this.holders.get(connection),
    );
  }

  /**
   * Ends connections that stopped sending (not even pings): a lid closed, a cable pulled. Then
   * this node's share of the cluster's upkeep (held-places.ts); adopted places are held here.
   */
  private sweep(): void {
    const now = Date.now();
    this.places.dropExpiredClosedPages(now);
    const deadline = now - SILENT_PERIODS_BEFORE_CUT * this.options.heartbeatMs;
    for (const connection of this.rooms.connections()) {
      if (connection.lastFrameAt < deadline) connection.socket.terminate();
    }
    // A waiting guest's page pings too; a dead one must not stay in the hosts' list.
    for (const connection of this.rooms.waitingConnections()) {
      if (connection.lastFrameAt < deadline) connection.socket.terminate();
    }
    void this.places.upkeep().then((adopted) => {
      for (const { roomId, member } of adopted) {
        const peerId = member.participant.peerId;
        this.holdPlace(roomId, peerId, this.options.reconnectGraceMs, 'timeout', member.holder);
        this.rooms.listen(roomId).catch(() => {});
      }
    });
  }
}

type HelloFrame = Extract<ClientFrame, { type: 'hello' }>;

const HOST_TYPES: ReadonlySet<string> = new Set(HOST_FRAME_TYPES);

function isHostFrame(frame: ClientFrame): frame is HostFrame {
  return HOST_TYPES.has(frame.type);
}
