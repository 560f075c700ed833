/**
 * The rooms as this node sees them: which local sockets belong to which participant, joining
 * (room cap), resuming after a dropped socket (same place, missed events replayed), the grace
 * time before a silent participant is removed for others, and relaying negotiation through the
 * media backend. Shared state goes through the RoomBus, so several nodes can serve one room.
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import {
  CLOSE_CODES,
  MEDIA_PEER_ID,
  PAGE_CLOSE_GRACE_MS,
  type ClientFrame,
  type RoomParticipant,
  type RoomEvent,
  type ServerFrame,
  type SignalPayload,
  mediaRequestSchema,
  peerSignalSchema,
} from '../../shared/signaling.js';
import type { Clock } from '../clock.js';
import type { RoomEntry } from '../lobby/lobby.js';
import { MediaRequestError, type MediaBackend, type MediaServers } from '../media/media-backend.js';
import { hashToken, newToken } from '../tokens.js';
import type { ChatStore } from './chat-store.js';
import { RoomConnection, type FrameHandler } from './room-connection.js';
import type { BusMessage, RoomBus, RoomMember } from './room-bus.js';

export interface RoomHubOptions {
  /** How often browsers ping; SILENT_PERIODS_BEFORE_CUT silent periods end a connection. */
  heartbeatMs: number;
  /** How long after its last frame a dropped participant may come back before others lose it. */
  reconnectGraceMs: number;
}

type Log = { warn(obj: object, msg: string): void; debug?(obj: object, msg: string): void };

interface LocalRoom {
  connections: Map<string, RoomConnection>;
  unsubscribe: () => void;
}

/** Negotiation messages kept for a participant while their socket is down. */
const PENDING_SIGNALS = 200;
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

export class RoomHub implements FrameHandler {
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly entries = new WeakMap<RoomConnection, RoomEntry>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private readonly closeTimers = new WeakMap<RoomConnection, NodeJS.Timeout>();
  private readonly pendingSignals = new Map<string, ServerFrame[]>();
  /**
   * Places given up after their page closed, kept (until `until`, ms) for a reload slower
   * than the hold: it joins again with the same peer id, join time and secret.
   */
  private readonly closedPages = new Map<
    string,
    { roomId: string; member: RoomMember; until: number }
  >();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly bus: RoomBus,
    private readonly chat: ChatStore,
    private readonly media: MediaBackend,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly options: RoomHubOptions,
  ) {
    this.sweeper = setInterval(() => this.sweep(), options.heartbeatMs);
    this.sweeper.unref();
  }

  /** A socket whose request the lobby already authenticated for `entry`'s meeting. */
  accept(socket: WebSocket, entry: RoomEntry): void {
    const connection = new RoomConnection(socket, this);
    this.entries.set(connection, entry);
    // The sweep only sees connections in a room: one that never says hello is closed here.
    const helloTimer = setTimeout(() => {
      if (!connection.peerId) connection.end(CLOSE_CODES.TIMED_OUT);
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
      if (connection.peerId) return connection.sendError('ALREADY_JOINED');
      return this.hello(connection, entry, frame);
    }
    const peerId = connection.peerId;
    if (!peerId || !connection.isLive) return connection.sendError('NOT_JOINED');
    const roomId = entry.meetingId;
    switch (frame.type) {
      case 'media':
        await this.bus.update(roomId, peerId, (p) => ({ ...p, media: frame.media }));
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
      case 'leave':
        if (frame.pageClosing) return this.closingPage(connection);
        return this.endForGood(connection, CLOSE_CODES.LEFT);
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

  /** The socket is gone. Unless it ended on purpose, its place is held for the grace time. */
  closed(connection: RoomConnection): void {
    const entry = this.entries.get(connection);
    clearTimeout(this.closeTimers.get(connection));
    const peerId = connection.peerId;
    if (!entry || !peerId) return;
    const room = this.rooms.get(entry.meetingId);
    if (room?.connections.get(peerId) !== connection) return;
    room.connections.delete(peerId);
    this.releaseIfEmpty(entry.meetingId, room);
    if (connection.ended) return;
    void this.bus.update(entry.meetingId, peerId, (p) => ({ ...p, reconnecting: true }));
    if (connection.holdAfterCloseMs !== null) {
      return this.holdPlace(entry.meetingId, peerId, connection.holdAfterCloseMs, 'left');
    }
    const graceLeft = connection.lastFrameAt + this.options.reconnectGraceMs - Date.now();
    this.holdPlace(entry.meetingId, peerId, Math.max(0, graceLeft), 'timeout');
  }

  /**
   * `POST /api/rooms/:token/leave`: a closing page whose socket was down (reconnecting) says
   * so with a beacon, authenticated by its resume secret. False when there is no such place.
   */
  async leaveByBeacon(roomId: string, peerId: string, resumeToken: string): Promise<boolean> {
    const member = await this.bus.member(roomId, peerId);
    if (member?.resumeTokenHash !== hashToken(resumeToken)) return false;
    const live = this.rooms.get(roomId)?.connections.get(peerId);
    if (live) this.closingPage(live);
    else this.holdPlace(roomId, peerId, PAGE_CLOSE_GRACE_MS, 'left');
    return true;
  }

  /** The meeting was cancelled: everyone in its room is told and disconnected, on every node. */
  async closeRoom(roomId: string): Promise<void> {
    await this.bus.close(roomId);
  }

  /**
   * Shutting down: every socket is told to reconnect at once (NODE_DRAINING; the balancer sends
   * it to another node, if there is one), and chat messages still queued are written before
   * the database closes.
   */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    void this.media.close?.().catch(() => {});
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    for (const room of this.rooms.values()) {
      for (const connection of room.connections.values()) {
        connection.ended = true;
        connection.socket.close(CLOSE_CODES.NODE_DRAINING, 'NODE_DRAINING');
      }
    }
    await this.chat.flush();
  }

  /** What /metrics shows of the rooms on this node; read at each scrape. */
  stats(): { rooms: number; participants: number; mediaServers: MediaServers | undefined } {
    let participants = 0;
    for (const room of this.rooms.values()) participants += room.connections.size;
    return { rooms: this.rooms.size, participants, mediaServers: this.media.mediaServers?.() };
  }

  private async hello(
    connection: RoomConnection,
    entry: RoomEntry,
    frame: Extract<ClientFrame, { type: 'hello' }>,
  ): Promise<void> {
    const roomId = entry.meetingId;
    const resume = frame.resume;
    const previous = resume && (await this.bus.member(roomId, resume.peerId));
    const resumable =
      previous !== undefined &&
      resume !== undefined &&
      previous.identity === entry.identity &&
      previous.resumeTokenHash === hashToken(resume.resumeToken);

    let peerId: string;
    let resumeToken: string;
    let missed: RoomEvent[] = [];
    this.listen(roomId);
    if (resumable) {
      peerId = resume.peerId;
      resumeToken = resume.resumeToken;
      clearTimeout(this.graceTimers.get(peerId));
      this.graceTimers.delete(peerId);
      // The old socket may still look open (a half-dead connection): this one replaces it.
      const stale = this.rooms.get(roomId)?.connections.get(peerId);
      if (stale && stale !== connection) stale.end(CLOSE_CODES.REPLACED, 'REPLACED');
      connection.peerId = peerId;
      this.rooms.get(roomId)?.connections.set(peerId, connection);
      await this.bus.update(roomId, peerId, (p) => ({ ...p, reconnecting: false }));
      if (resume.reload) {
        // A reloaded page: what the media backend held for the old page's connections is gone.
        await this.media.left(roomId, peerId);
        await this.bus.restarted(roomId, peerId);
      }
    } else {
      // A reload that came after its closing page's hold: the same place again, as a new join.
      const closed = resume?.reload ? this.takeClosedPage(roomId, resume, entry.identity) : null;
      await this.replaceDroppedTwin(roomId, entry.identity);
      peerId = closed?.participant.peerId ?? randomBytes(9).toString('base64url');
      resumeToken = closed && resume ? resume.resumeToken : newToken();
      connection.peerId = peerId;
      this.rooms.get(roomId)?.connections.set(peerId, connection);
      const participant: RoomParticipant = {
        peerId,
        displayName: entry.session.displayName,
        avatarUrl: entry.session.avatarUrl,
        kind: entry.session.kind,
        joinedAt: closed?.participant.joinedAt ?? this.clock.now().toISOString(),
        media: frame.media,
        reconnecting: false,
      };
      const cap = await this.media.roomCap();
      const joined = await this.bus.join(
        roomId,
        { participant, identity: entry.identity, resumeTokenHash: hashToken(resumeToken) },
        cap,
      );
      if (joined === 'full') {
        this.rooms.get(roomId)?.connections.delete(peerId);
        connection.peerId = null;
        connection.end(CLOSE_CODES.ROOM_FULL, 'ROOM_FULL');
        this.releaseIfEmpty(roomId, this.rooms.get(roomId));
        return;
      }
    }

    const snapshot = await this.bus.snapshot(roomId);
    // Read after the snapshot, so every event up to its seq is either replayed or in it.
    if (resumable) missed = (await this.bus.eventsSince(roomId, resume.lastSeq)) ?? [];
    const chat = await this.chat.history(roomId);
    connection.send({
      type: 'welcome',
      peerId,
      resumeToken,
      seq: snapshot.seq,
      resumed: resumable,
      participants: snapshot.members.map((m) => m.participant),
      chat,
      media: {
        backend: this.media.name,
        iceServers: this.media.iceServers(peerId),
        roomCap: await this.media.roomCap(),
      },
      heartbeatMs: this.options.heartbeatMs,
    });
    for (const event of missed) if (event.seq <= snapshot.seq) connection.send(event);
    connection.goLive(snapshot.seq, this.pendingSignals.get(peerId) ?? []);
    this.pendingSignals.delete(peerId);
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
  ): void {
    clearTimeout(this.graceTimers.get(peerId));
    const timer = setTimeout(() => {
      this.graceTimers.delete(peerId);
      this.pendingSignals.delete(peerId);
      void (async () => {
        const member = reason === 'left' ? await this.bus.member(roomId, peerId) : undefined;
        if (member) {
          const until = Date.now() + this.options.reconnectGraceMs;
          this.closedPages.set(peerId, { roomId, member, until });
        }
        await this.remove(roomId, peerId, reason);
      })();
    }, waitMs);
    timer.unref();
    this.graceTimers.set(peerId, timer);
  }

  /** The place a page gave up on closing, if this is its reload (same session and secret). */
  private takeClosedPage(
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

  /** A fresh join by someone whose earlier connection dropped: the old tile goes at once. */
  private async replaceDroppedTwin(roomId: string, identity: string): Promise<void> {
    const { members } = await this.bus.snapshot(roomId);
    for (const member of members) {
      if (member.identity === identity && member.participant.reconnecting) {
        clearTimeout(this.graceTimers.get(member.participant.peerId));
        this.graceTimers.delete(member.participant.peerId);
        await this.remove(roomId, member.participant.peerId, 'replaced');
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

  private async endForGood(
    connection: RoomConnection,
    code: number,
    error?: 'MEETING_NOT_OPEN',
  ): Promise<void> {
    const entry = this.entries.get(connection);
    connection.end(code, error);
    if (entry && connection.peerId) await this.remove(entry.meetingId, connection.peerId, 'left');
  }

  private async remove(roomId: string, peerId: string, reason: 'left' | 'timeout' | 'replaced') {
    const event = await this.bus.leave(roomId, peerId, reason);
    if (event) await this.media.left(roomId, peerId);
  }

  /** Subscribes this node to a room's bus messages while it holds sockets there. */
  private listen(roomId: string): void {
    if (this.rooms.has(roomId)) return;
    const connections = new Map<string, RoomConnection>();
    const unsubscribe = this.bus.subscribe(roomId, (message) => this.deliver(connections, message));
    this.rooms.set(roomId, { connections, unsubscribe });
  }

  private deliver(connections: Map<string, RoomConnection>, message: BusMessage): void {
    if (message.kind === 'closed') {
      for (const connection of [...connections.values()]) {
        void this.endForGood(connection, CLOSE_CODES.MEETING_NOT_OPEN, 'MEETING_NOT_OPEN');
      }
      return;
    }
    if (message.kind === 'event') {
      // Serialized once for the whole room, not once per recipient.
      const text = JSON.stringify(message.event);
      for (const connection of connections.values()) connection.deliver(message.event, text);
      return;
    }
    const frame: ServerFrame = { type: 'signal', from: message.from, payload: message.payload };
    const target = connections.get(message.to);
    if (target) target.deliver(frame);
    else if (this.graceTimers.has(message.to)) this.keepSignal(message.to, frame);
  }

  private keepSignal(peerId: string, frame: ServerFrame): void {
    const kept = this.pendingSignals.get(peerId) ?? [];
    if (kept.length < PENDING_SIGNALS) kept.push(frame);
    this.pendingSignals.set(peerId, kept);
  }

  private releaseIfEmpty(roomId: string, room: LocalRoom | undefined): void {
    if (room && room.connections.size === 0) {
      room.unsubscribe();
      this.rooms.delete(roomId);
    }
  }

  /** Ends connections that stopped sending (not even pings): a lid closed, a cable pulled. */
  private sweep(): void {
    const now = Date.now();
    for (const [peerId, closed] of this.closedPages) {
      if (closed.until <= now) this.closedPages.delete(peerId);
    }
    const deadline = now - SILENT_PERIODS_BEFORE_CUT * this.options.heartbeatMs;
    for (const room of this.rooms.values()) {
      for (const connection of room.connections.values()) {
        if (connection.lastFrameAt < deadline) connection.socket.terminate();
      }
    }
  }
}
