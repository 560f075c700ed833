/**
 * The SFU backend: Janus VideoRoom driven through janode. Each of our rooms is one private
 * Janus room on one instance (the least loaded when it opens). Each participant has two
 * connections: a publisher (their camera and microphone, sent once) and a subscriber carrying
 * everyone else's feeds. Browsers negotiate with the `media` pseudo-peer over our signaling;
 * Janus's room ids, feed ids and secrets stay on the servers.
 *
 * With several app nodes, a room's participants reach different nodes, yet publish into the one
 * Janus room all nodes agree on (room-placements.ts). Each node keeps its own participants'
 * handles and learns of the other nodes' feeds from Janus itself (room-watcher.ts).
 *
 * A participant has one feed at a time, its newest: when it publishes anew (its page moved to
 * another node, which drained or died), its older feed is dropped from every subscription at
 * once, whether Janus reports the old one gone before or after the new one is up. A participant
 * seated on this node publishes through it, so feeds of theirs announced through other nodes
 * are history, and nobody is ever subscribed to their own feed.
 *
 * When an instance goes down, each of its rooms is opened again on another one (one move agreed
 * by every node) and every participant's browser is told to `reset`: it starts both connections
 * again, without leaving the room. Rooms that found no instance up wait for the next one that
 * comes (back) up.
 */
import { randomBytes } from 'node:crypto';
import type { Jsep } from 'janode';
import {
  MEDIA_PEER_ID,
  type CameraLayer,
  type IceServerConfig,
  type MediaRequest,
  type SfuStream,
} from '../../../shared/signaling.js';
import {
  MediaRequestError,
  type MediaBackend,
  type MediaServers,
  type SignalSink,
} from '../media-backend.js';
import { cameraLayersFor } from './camera-layers.js';
import { isCandidateLine } from './candidates.js';
import { withTimeout, type JanusInstance, type JanusLog } from './janus-instance.js';
import { JanusPlaces, type JanusPlace, type JanusSettings, type OwnJanus } from './janus-places.js';
import { Publisher } from './publisher.js';
import { samePlacement, type RoomPlacements } from './room-placements.js';
import { watchRoom, type AnnouncedFeed } from './room-watcher.js';
import { sdpForBrowser } from './sdp.js';
import { Subscriber } from './subscriber.js';

/** How often the placements of rooms this node holds are renewed (they lapse after a day). */
const PLACEMENT_REFRESH_MS = 60 * 60_000;

interface JanusParticipant {
  /** Whom this participant shows large (simulcast layers follow it, across moves too). */
  main: string | null;
  publisher: Publisher | null;
  /** What each mid of the publish connection carries, as the browser's offer said. */
  slots: Map<string, SfuStream['slot']>;
  subscriber: Subscriber | null;
  /** Set at Janus's `webrtcup` for the publisher: others may subscribe from then on. */
  liveFeed: number | null;
  /** The camera layers this participant's browser was last told to send (null: not yet). */
  cameraLayers: readonly CameraLayer[] | null;
}

/** A room as this node holds it; its place is replaced when the room moves. */
interface JanusRoom extends JanusPlace {
  /** This node's claim on the room, among every node's (room-placements.ts). */
  holder: string;
  /** This node's participants. */
  participants: Map<string, JanusParticipant>;
  /** Feeds published through other app nodes, as Janus announced them, by feed id. */
  remote: Map<number, AnnouncedFeed>;
  /** Whom each participant, on any node, shows large (ours are read from `participants`). */
  views: Map<string, string | null>;
  /** Its instance went down: the room must be opened again elsewhere. */
  lost: boolean;
}

export class JanusBackend implements MediaBackend {
  readonly name = 'janus';
  private readonly places: JanusPlaces;
  private readonly rooms = new Map<string, Promise<JanusRoom>>();
  /** The instances once known, for reading without waiting (none while a local Janus starts). */
  private known: JanusInstance[] = [];
  private readonly refreshTimer: NodeJS.Timeout;
  /** Stops listening to the other nodes' moves and views. */
  private readonly unlisten: (() => void)[];

  constructor(
    private readonly settings: JanusSettings,
    private readonly sink: SignalSink,
    private readonly ice: (peerId: string) => IceServerConfig[],
    private readonly log: JanusLog,
    private readonly placements: RoomPlacements,
    own?: OwnJanus,
  ) {
    const changed = (instance: JanusInstance) => this.instanceChanged(instance);
    this.places = new JanusPlaces(settings, placements, log, changed, own);
    this.unlisten = [
      placements.onMoved((roomId) => this.follow(roomId)),
      placements.onViews((roomId) => this.viewsChanged(roomId)),
    ];
    this.refreshTimer = setInterval(() => this.refreshPlacements(), PLACEMENT_REFRESH_MS);
    this.refreshTimer.unref();
    this.places.instances.then((instances) => (this.known = instances)).catch(() => {});
  }

  roomCap(): Promise<number> {
    return Promise.resolve(this.settings.roomCap);
  }

  iceServers(peerId: string): IceServerConfig[] {
    return this.ice(peerId);
  }

  relay(): Promise<void> {
    return Promise.reject(new MediaRequestError('With an SFU, signal the media server.'));
  }

  async request(roomId: string, from: string, request: MediaRequest): Promise<void> {
    switch (request.kind) {
      case 'view': {
        // May come before the publish offer: the participant (and subscriber) exists from here on.
        const room = await this.room(roomId);
        const participant = this.participantOf(room, roomId, from);
        participant.main = request.main;
        participant.subscriber?.show(participant.main);
        this.pickCameraLayers(roomId, room);
        this.shareView(roomId, from, request.main);
        return;
      }
      case 'iceRestart': {
        const participant = (await this.rooms.get(roomId))?.participants.get(from);
        if (!participant?.subscriber)
          throw new MediaRequestError('No subscribe connection to restart.');
        participant.subscriber.restartIce();
        return;
      }
      case 'description': {
        const { connection, description, streams } = request;
        const { type, sdp } = description;
        if (connection === 'publish' && type === 'offer') {
          return this.publish(roomId, from, { type, sdp }, streams ?? []);
        }
        if (connection === 'subscribe' && type === 'answer') {
          const participant = (await this.rooms.get(roomId))?.participants.get(from);
          if (!participant?.subscriber?.answer({ type, sdp })) {
            throw new MediaRequestError('No subscriber offer is waiting for an answer.');
          }
          return;
        }
        throw new MediaRequestError(
          `A ${connection} connection takes no ${type} from the browser.`,
        );
      }
      case 'candidate': {
        if (request.candidate && !isCandidateLine(request.candidate.candidate)) {
          throw new MediaRequestError('The ICE candidate is not a candidate line.');
        }
        const participant = (await this.rooms.get(roomId))?.participants.get(from);
        const target =
          request.connection === 'publish' ? participant?.publisher : participant?.subscriber;
        await target?.trickle(request.candidate);
        return;
      }
      default:
        return request satisfies never;
    }
  }

  /**
   * VideoRoom `moderate` on each of the participant's mids carrying that media: Janus stops
   * (or resumes) forwarding it to every subscriber, whatever the browser keeps sending. The
   * feed may be published through another node: Janus announced it to this room's watcher.
   */
  async moderate(
    roomId: string,
    peerId: string,
    what: 'audio' | 'video',
    muted: boolean,
  ): Promise<void> {
    const room = await this.rooms.get(roomId)?.catch(() => undefined);
    if (!room) return;
    const local = room.participants.get(peerId);
    // Its feed id is known from the publisher's join, before its media is up. One announced
    // through other nodes may have an older feed of theirs beside it until Janus drops it:
    // both are moderated.
    const localFeed = local?.publisher?.feed ?? local?.liveFeed;
    const feeds: { feed: number; slots: Map<string, SfuStream['slot']> }[] =
      localFeed !== undefined && localFeed !== null && local
        ? [{ feed: localFeed, slots: local.slots }]
        : [...room.remote.values()].filter((announced) => announced.peerId === peerId);
    const slot = what === 'audio' ? 'audio' : 'camera';
    const { janusRoomId, secret } = room.placement;
    for (const { feed, slots } of feeds) {
      const mids = [...slots].filter(([, s]) => s === slot).map(([mid]) => mid);
      for (const mid of mids) {
        await withTimeout(
          room.admin.message({
            request: 'moderate',
            room: janusRoomId,
            secret,
            id: feed,
            mid,
            mute: muted,
          }),
          'moderate',
        );
      }
    }
  }

  left(roomId: string, peerId: string): Promise<void> {
    return this.dropParticipant(roomId, peerId, true);
  }

  /** Their view stays shared: the node they moved to keeps it up to date. */
  movedAway(roomId: string, peerId: string): Promise<void> {
    return this.dropParticipant(roomId, peerId, false);
  }

  /** Frees this node's handles for `peerId`, and the room's if nobody else is here. */
  private async dropParticipant(roomId: string, peerId: string, leaving: boolean): Promise<void> {
    const pending = this.rooms.get(roomId);
    const room = await pending?.catch(() => undefined);
    const participant = room?.participants.get(peerId);
    if (!room || !participant) return;
    room.participants.delete(peerId);
    if (leaving) this.shareView(roomId, peerId, undefined);
    if (participant.liveFeed !== null) {
      for (const other of room.participants.values()) other.subscriber?.drop(participant.liveFeed);
    }
    this.pickCameraLayers(roomId, room);
    await Promise.all([participant.publisher?.close(), participant.subscriber?.close()]);
    if (room.participants.size === 0 && this.rooms.get(roomId) === pending) {
      this.rooms.delete(roomId);
      await this.places.release(roomId, room.holder, room);
    }
  }

  mediaServers(): MediaServers {
    return { up: this.known.filter((i) => i.up).length, total: this.known.length };
  }

  /**
   * Lets go of this node's rooms (destroying those nobody else holds), ends every Janus
   * session, and the local Janus if this node runs one (server shutdown).
   */
  async close(): Promise<void> {
    for (const stop of this.unlisten) stop();
    clearInterval(this.refreshTimer);
    const rooms = [...this.rooms];
    this.rooms.clear();
    await Promise.all(
      rooms.map(([roomId, pending]) =>
        pending.then(
          (room) => {
            // Their pages resume on another node: no late offer from here may reach them there.
            for (const participant of room.participants.values()) {
              void participant.subscriber?.close();
            }
            return this.places.release(roomId, room.holder, room);
          },
          () => {},
        ),
      ),
    );
    await this.places.close();
  }

  private async publish(
    roomId: string,
    peerId: string,
    offer: Jsep,
    streams: SfuStream[],
  ): Promise<void> {
    const room = await this.room(roomId);
    const participant = this.participantOf(room, roomId, peerId);
    participant.slots = new Map(streams.map((stream) => [stream.mid, stream.slot]));
    // Two offers close together (a page that restarted ICE as it reset) share one publisher.
    participant.publisher ??= new Publisher(
      room.instance.attach(),
      room.placement.janusRoomId,
      peerId,
      (payload) => void this.sink(roomId, peerId, MEDIA_PEER_ID, payload),
      (feed) => this.live(roomId, room, peerId, feed),
    );
    const publisher = participant.publisher;
    let answer: Jsep;
    try {
      answer = await publisher.offer(offer, participant.slots);
    } catch (error) {
      // Never joined (no handle, or Janus refused the join): the next offer starts afresh.
      if (publisher.feed === null && participant.publisher === publisher) {
        participant.publisher = null;
        void publisher.close();
      }
      this.log.warn({ err: error, roomId, peerId }, 'Janus refused a publisher offer');
      throw new MediaRequestError('The media server refused this offer.');
    }
    await this.sink(roomId, peerId, MEDIA_PEER_ID, {
      kind: 'description',
      connection: 'publish',
      description: { type: 'answer', sdp: sdpForBrowser(answer.sdp) },
    });
  }

  /** A publisher's media is up: everyone else subscribes to it. */
  private live(roomId: string, room: JanusRoom, peerId: string, feed: number): void {
    const participant = room.participants.get(peerId);
    if (!participant || participant.liveFeed === feed) return;
    participant.liveFeed = feed;
    this.supersede(room, peerId);
    // A new publish connection sends every layer until told otherwise.
    participant.cameraLayers = null;
    for (const [otherId, other] of room.participants) {
      if (otherId !== peerId) other.subscriber?.want(feed);
    }
    this.pickCameraLayers(roomId, room);
  }

  /**
   * Janus announced feeds: those published through other nodes go to every subscriber here,
   * in place of any older feed of the same participant.
   */
  private announced(room: JanusRoom, feeds: AnnouncedFeed[]): void {
    // Feeds of one participant announced together (Janus's list when we join) cannot be told
    // apart by age: all are kept, and the one that is gone is dropped when Janus says so.
    const together = new Set(feeds.map((announced) => announced.feed));
    for (const announced of feeds) {
      const ours = [...room.participants].some(
        ([peerId, p]) => peerId === announced.peerId || p.publisher?.feed === announced.feed,
      );
      if (ours) continue;
      const known = room.remote.has(announced.feed);
      // Set again when known: a renegotiated publisher may name its mids anew.
      room.remote.set(announced.feed, announced);
      if (known) continue;
      this.supersede(room, announced.peerId, together);
      for (const participant of room.participants.values()) {
        participant.subscriber?.want(announced.feed);
      }
    }
  }

  /**
   * `peerId` publishes anew (here, or through another node): the feeds of theirs announced
   * through other nodes, but those in `keep`, are dropped from every subscription here.
   */
  private supersede(room: JanusRoom, peerId: string, keep?: ReadonlySet<number>): void {
    for (const [feed, announced] of room.remote) {
      if (announced.peerId !== peerId || keep?.has(feed)) continue;
      room.remote.delete(feed);
      for (const participant of room.participants.values()) participant.subscriber?.drop(feed);
    }
  }

  private unannounced(room: JanusRoom, feed: number): void {
    if (!room.remote.delete(feed)) return;
    for (const participant of room.participants.values()) participant.subscriber?.drop(feed);
  }

  /**
   * Tells each publishing browser which camera layers someone receives, when that changed:
   * layers nobody receives are paused (camera-layers.ts).
   */
  private pickCameraLayers(roomId: string, room: JanusRoom): void {
    const mains = new Map(room.views);
    for (const [id, participant] of room.participants) mains.set(id, participant.main);
    for (const [peerId, participant] of room.participants) {
      if (participant.liveFeed === null || ![...participant.slots.values()].includes('camera'))
        continue;
      const layers = cameraLayersFor(peerId, mains);
      if (participant.cameraLayers === layers) continue; // the same constant when nothing changed
      participant.cameraLayers = layers;
      void this.sink(roomId, peerId, MEDIA_PEER_ID, { kind: 'cameraLayers', layers: [...layers] });
    }
  }

  private participantOf(room: JanusRoom, roomId: string, peerId: string): JanusParticipant {
    let participant = room.participants.get(peerId);
    if (!participant) {
      participant = {
        main: null,
        publisher: null,
        slots: new Map(),
        subscriber: null,
        liveFeed: null,
        cameraLayers: null,
      };
      room.participants.set(peerId, participant);
      // Seated here, they publish through this node: a feed of theirs from another is history.
      this.supersede(room, peerId);
      this.subscribe(room, roomId, peerId, participant);
    }
    return participant;
  }

  /** A new subscriber connection for `participant`, wanting every feed already live. */
  private subscribe(
    room: JanusRoom,
    roomId: string,
    peerId: string,
    participant: JanusParticipant,
  ): void {
    const subscriber = new Subscriber(
      () => room.instance.attach(),
      room.placement.janusRoomId,
      (payload) => void this.sink(roomId, peerId, MEDIA_PEER_ID, payload),
      (feed, feedMid) => {
        const local = [...room.participants].find(([, m]) => m.liveFeed === feed);
        const [sourceId, slots] = local
          ? [local[0], local[1].slots]
          : [room.remote.get(feed)?.peerId, room.remote.get(feed)?.slots];
        if (sourceId === undefined) return undefined;
        return { peerId: sourceId, slot: feedMid ? slots?.get(feedMid) : undefined };
      },
      this.log,
    );
    participant.subscriber = subscriber;
    subscriber.show(participant.main);
    // Receiving does not wait for our own publishing (which may fail, or be slow).
    for (const other of room.participants.values()) {
      if (other !== participant && other.liveFeed !== null) subscriber.want(other.liveFeed);
    }
    for (const [feed, announced] of room.remote) {
      if (announced.peerId !== peerId) subscriber.want(feed);
    }
  }

  /** Tells the other nodes whom this participant shows large (undefined: they left). */
  private shareView(roomId: string, peerId: string, main: string | null | undefined): void {
    this.placements
      .setView(roomId, peerId, main)
      .catch((error: unknown) =>
        this.log.warn({ err: error, roomId }, 'Janus camera view not shared'),
      );
  }

  /** Someone's view changed, maybe on another node: a publisher here may send other layers. */
  private viewsChanged(roomId: string): void {
    const pending = this.rooms.get(roomId);
    if (!pending) return;
    void (async () => {
      const room = await pending.catch(() => undefined);
      if (!room) return;
      room.views = await this.placements.views(roomId);
      this.pickCameraLayers(roomId, room);
    })().catch((error: unknown) =>
      this.log.warn({ err: error, roomId }, 'Janus camera views not read'),
    );
  }

  /** An instance went down or came back: rooms that lost theirs move to one that is up. */
  private instanceChanged(instance: JanusInstance): void {
    void (async () => {
      for (const [roomId, pending] of this.rooms) {
        const room = await pending.catch(() => undefined);
        if (!room) continue;
        if (!instance.up && room.instance === instance) room.lost = true;
        if (room.lost && this.rooms.get(roomId) === pending) {
          this.replace(roomId, room, this.move(roomId, room));
        }
      }
    })();
  }

  /** Another node (or this one) moved a room: this node's participants follow it there. */
  private follow(roomId: string): void {
    const pending = this.rooms.get(roomId);
    if (!pending) return;
    void (async () => {
      const room = await pending.catch(() => undefined);
      if (!room || this.rooms.get(roomId) !== pending) return;
      const placement = await this.placements.current(roomId);
      if (!placement || samePlacement(placement, room.placement)) return;
      this.replace(roomId, room, this.relocate(roomId, room, this.places.at(roomId, placement)));
    })().catch((error: unknown) =>
      this.log.warn({ err: error, roomId }, 'Janus room not followed to its new place'),
    );
  }

  /** `room` is being moved by `moving`; if that fails, the room waits as it was, lost. */
  private replace(roomId: string, room: JanusRoom, moving: Promise<JanusRoom>): void {
    this.rooms.set(roomId, moving);
    // Nowhere to go yet: the room waits, as it was, for an instance to come up.
    moving.catch(() => {
      room.lost = true;
      if (this.rooms.get(roomId) === moving) this.rooms.set(roomId, Promise.resolve(room));
    });
  }

  /** The room's instance failed here: every node agrees on one new place, and goes there. */
  private move(roomId: string, room: JanusRoom): Promise<JanusRoom> {
    return this.relocate(roomId, room, this.places.moveAway(roomId, room.holder, room.placement));
  }

  /**
   * Takes the room to the place `opening` opens and tells every participant here to start both
   * connections again; their old handles are on the old place.
   */
  private async relocate(
    roomId: string,
    room: JanusRoom,
    opening: Promise<JanusPlace>,
  ): Promise<JanusRoom> {
    const place = await opening;
    const from = room.instance.url;
    void room.admin.detach().catch(() => {});
    Object.assign(room, place, { lost: false });
    room.remote.clear();
    // Every feed of the old place is gone before any new subscriber is made: one made while a
    // later participant still had its old feed would ask the new place for it, and Janus refuses
    // a whole subscription that names a feed it does not have ("428 No such feed").
    for (const participant of room.participants.values()) {
      void participant.publisher?.close();
      void participant.subscriber?.close();
      participant.publisher = null;
      participant.liveFeed = null;
    }
    for (const [peerId, participant] of room.participants) {
      this.subscribe(room, roomId, peerId, participant);
      void this.sink(roomId, peerId, MEDIA_PEER_ID, { kind: 'reset' });
    }
    await this.watch(room);
    this.log.warn(
      { roomId, from, to: place.instance.url, participants: room.participants.size },
      'Room moved to another Janus',
    );
    return room;
  }

  private room(roomId: string): Promise<JanusRoom> {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = this.openRoom(roomId);
      this.rooms.set(roomId, room);
      room.catch(() => {
        if (this.rooms.get(roomId) === room) this.rooms.delete(roomId);
      });
    }
    return room;
  }

  /** The room where every node agrees it is (placed now if nobody had), opened on this node. */
  private async openRoom(roomId: string): Promise<JanusRoom> {
    const holder = randomBytes(9).toString('base64url');
    let place: JanusPlace | undefined;
    try {
      place = await this.places.open(roomId, holder);
      const views = await this.placements.views(roomId);
      const room: JanusRoom = {
        ...place,
        holder,
        participants: new Map(),
        remote: new Map(),
        views,
        lost: false,
      };
      await this.watch(room);
      return room;
    } catch (error) {
      this.log.warn({ err: error, roomId }, 'Janus room not opened');
      await this.places.release(roomId, holder, place);
      throw new MediaRequestError('The media server is not available.');
    }
  }

  /** Joins the room's admin handle as a watcher of the other nodes' feeds. */
  private async watch(room: JanusRoom): Promise<void> {
    const admin = room.admin;
    await watchRoom(
      admin,
      room.placement.janusRoomId,
      {
        // A late event of a handle replaced by a move changes nothing.
        published: (feeds) => room.admin === admin && this.announced(room, feeds),
        gone: (feed) => room.admin === admin && this.unannounced(room, feed),
      },
      this.log,
    );
  }

  /**
   * Renews the placements of the rooms held here, as they are, so they do not lapse; one that
   * lapsed all the same and was placed anew meanwhile is followed there.
   */
  private refreshPlacements(): void {
    for (const [roomId, pending] of this.rooms) {
      void pending
        .then(async (room) => {
          const placement = await this.placements.placeOnce(
            roomId,
            room.holder,
            () => room.placement,
          );
          if (!samePlacement(placement, room.placement)) this.follow(roomId);
        })
        .catch(() => {});
    }
  }
}
