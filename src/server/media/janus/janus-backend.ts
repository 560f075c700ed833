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
 * When an instance goes down, each of its rooms is opened again on another one (one move agreed
 * by every node) and every participant's browser is told to `reset`: it starts both connections
 * again, without leaving the room. Rooms that found no instance up wait for the next one that
 * comes (back) up.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Jsep } from 'janode';
import type { VideoRoomHandle } from 'janode/plugins/videoroom';
import {
  MEDIA_PEER_ID,
  type CameraLayer,
  type IceServerConfig,
  type MediaRequest,
  type SfuStream,
} from '../../../shared/signaling.js';
import { MediaRequestError, type MediaBackend, type SignalSink } from '../media-backend.js';
import { cameraLayersFor } from './camera-layers.js';
import { JANUS_RETRY_MS, JanusInstance, withTimeout, type JanusLog } from './janus-instance.js';
import { Publisher } from './publisher.js';
import { pickInstance } from './room-placement.js';
import {
  samePlacement,
  type InstancesView,
  type Placement,
  type RoomPlacements,
} from './room-placements.js';
import { watchRoom, type AnnouncedFeed } from './room-watcher.js';
import { sdpForBrowser } from './sdp.js';
import { Subscriber } from './subscriber.js';

export interface JanusSettings {
  urls: string[];
  apiSecret: string | undefined;
  roomCap: number;
}

/** A Janus this node runs itself (local-janus.ts), used when `urls` is empty. */
export interface OwnJanus {
  url: Promise<string>;
  apiSecret: string;
  stop(): Promise<void>;
}

/** How long other nodes skip an instance this node saw fail; renewed while it stays down. */
export const DOWN_MARK_MS = 3 * JANUS_RETRY_MS;
/** How often the placements of rooms this node holds are renewed (they lapse after a day). */
const PLACEMENT_REFRESH_MS = 60 * 60_000;
/** Janus VideoRoom's answer to `create` for a room number that exists: another node made it. */
const ROOM_EXISTS = 427;

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

/** Where a room lives in Janus; replaced when the room moves to another instance. */
interface JanusPlace {
  instance: JanusInstance;
  placement: Placement;
  /** Creates the room, watches its publishers (room-watcher.ts) and destroys it. */
  admin: VideoRoomHandle;
}

interface JanusRoom extends JanusPlace {
  /** This node's claim on the room, among every node's (room-placements.ts). */
  holder: string;
  /** This node's participants. */
  participants: Map<string, JanusParticipant>;
  /** Feeds published through other app nodes, as Janus announced them, by feed id. */
  remote: Map<number, AnnouncedFeed>;
  /** Its instance went down: the room must be opened again elsewhere. */
  lost: boolean;
}

export class JanusBackend implements MediaBackend {
  readonly name = 'janus';
  /** Known at once from JANUS_URLS, or once the local Janus answers. */
  private readonly instances: Promise<JanusInstance[]>;
  private readonly rooms = new Map<string, Promise<JanusRoom>>();
  /** Renews the shared down mark of each instance this node sees down. */
  private readonly downMarks = new Map<string, NodeJS.Timeout>();
  private readonly refreshTimer: NodeJS.Timeout;
  private readonly stopFollowing: () => void;

  constructor(
    private readonly settings: JanusSettings,
    private readonly sink: SignalSink,
    private readonly ice: (peerId: string) => IceServerConfig[],
    private readonly log: JanusLog,
    private readonly placements: RoomPlacements,
    private readonly own?: OwnJanus,
  ) {
    const changed = (instance: JanusInstance) => this.instanceChanged(instance);
    this.instances = own
      ? own.url.then((url) => [new JanusInstance(url, own.apiSecret, log, changed)])
      : Promise.resolve(
          settings.urls.map((url) => new JanusInstance(url, settings.apiSecret, log, changed)),
        );
    this.instances.catch(() => {});
    this.stopFollowing = placements.onMoved((roomId) => this.follow(roomId));
    this.refreshTimer = setInterval(() => this.refreshPlacements(), PLACEMENT_REFRESH_MS);
    this.refreshTimer.unref();
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

  async left(roomId: string, peerId: string): Promise<void> {
    const pending = this.rooms.get(roomId);
    const room = await pending?.catch(() => undefined);
    const participant = room?.participants.get(peerId);
    if (!room || !participant) return;
    room.participants.delete(peerId);
    if (participant.liveFeed !== null) {
      for (const other of room.participants.values()) other.subscriber?.drop(participant.liveFeed);
    }
    this.pickCameraLayers(roomId, room);
    await Promise.all([participant.publisher?.close(), participant.subscriber?.close()]);
    if (room.participants.size === 0 && this.rooms.get(roomId) === pending) {
      this.rooms.delete(roomId);
      await this.release(roomId, room);
    }
  }

  /**
   * Lets go of this node's rooms (destroying those nobody else holds), ends every Janus
   * session, and the local Janus if this node runs one (server shutdown).
   */
  async close(): Promise<void> {
    this.stopFollowing();
    clearInterval(this.refreshTimer);
    for (const timer of this.downMarks.values()) clearInterval(timer);
    const rooms = await Promise.all(
      [...this.rooms].map(([id, r]) =>
        r.then(
          (room) => ({ id, room }),
          () => undefined,
        ),
      ),
    );
    this.rooms.clear();
    await Promise.all(rooms.map((entry) => entry && this.release(entry.id, entry.room)));
    const instances = await this.instances.catch(() => []);
    await Promise.all(instances.map((instance) => instance.close()));
    await this.own?.stop();
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
    participant.publisher ??= new Publisher(
      await room.instance.attach(),
      room.placement.janusRoomId,
      peerId,
      (payload) => void this.sink(roomId, peerId, MEDIA_PEER_ID, payload),
      (feed) => this.live(roomId, room, peerId, feed),
    );
    let answer: Jsep;
    try {
      answer = await participant.publisher.offer(offer, participant.slots);
    } catch (error) {
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
    // A new publish connection sends every layer until told otherwise.
    participant.cameraLayers = null;
    for (const [otherId, other] of room.participants) {
      if (otherId !== peerId) other.subscriber?.want(feed);
    }
    this.pickCameraLayers(roomId, room);
  }

  /** Janus announced feeds: those published through other nodes go to every subscriber here. */
  private announced(room: JanusRoom, feeds: AnnouncedFeed[]): void {
    for (const announced of feeds) {
      const ours = [...room.participants].some(
        ([peerId, p]) => peerId === announced.peerId || p.publisher?.feed === announced.feed,
      );
      if (ours) continue;
      const known = room.remote.has(announced.feed);
      // Set again when known: a renegotiated publisher may name its mids anew.
      room.remote.set(announced.feed, announced);
      if (known) continue;
      for (const participant of room.participants.values()) {
        participant.subscriber?.want(announced.feed);
      }
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
    const mains = [...room.participants].map(([id, participant]): [string, string | null] => [
      id,
      participant.main,
    ]);
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
    for (const feed of room.remote.keys()) subscriber.want(feed);
  }

  /** An instance went down or came back: rooms that lost theirs move to one that is up. */
  private instanceChanged(instance: JanusInstance): void {
    this.shareHealth(instance);
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

  /**
   * Tells the other nodes what this one sees: a down instance is marked down for all, the mark
   * renewed while it stays down (so it lapses soon after this node stops, whatever happens);
   * an instance back up is unmarked at once.
   */
  private shareHealth(instance: JanusInstance): void {
    const share = (mark: Promise<void>) =>
      mark.catch((error: unknown) =>
        this.log.warn({ err: error, janus: instance.url }, 'Janus health not shared'),
      );
    clearInterval(this.downMarks.get(instance.url));
    this.downMarks.delete(instance.url);
    if (instance.up) return void share(this.placements.markUp(instance.url));
    const mark = () => void share(this.placements.markDown(instance.url, DOWN_MARK_MS));
    mark();
    const timer = setInterval(mark, JANUS_RETRY_MS);
    timer.unref();
    this.downMarks.set(instance.url, timer);
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
      this.replace(roomId, room, this.relocate(roomId, room, placement));
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
  private async move(roomId: string, room: JanusRoom): Promise<JanusRoom> {
    const instances = await this.instances;
    const placement = await this.placements.moved(roomId, room.holder, room.placement, (view) =>
      this.choose(instances, view, false),
    );
    return this.relocate(roomId, room, placement);
  }

  /**
   * Opens the room at `placement` and tells every participant here to start both connections
   * again; their old handles are on the old place.
   */
  private async relocate(
    roomId: string,
    room: JanusRoom,
    placement: Placement,
  ): Promise<JanusRoom> {
    const place = await this.openPlace(roomId, placement);
    const from = room.instance.url;
    void room.admin.detach().catch(() => {});
    Object.assign(room, place, { lost: false });
    room.remote.clear();
    for (const [peerId, participant] of room.participants) {
      void participant.publisher?.close();
      void participant.subscriber?.close();
      participant.publisher = null;
      participant.liveFeed = null;
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
    let room: JanusRoom | undefined;
    try {
      const instances = await this.instances;
      const placement = await this.placements.placeOnce(roomId, holder, (view) =>
        this.choose(instances, view, true),
      );
      const place = await this.openPlace(roomId, placement);
      room = { ...place, holder, participants: new Map(), remote: new Map(), lost: false };
      await this.watch(room);
      return room;
    } catch (error) {
      this.log.warn({ err: error, roomId }, 'Janus room not opened');
      await (room
        ? this.release(roomId, room)
        : this.placements.forget(roomId, holder).catch(() => undefined));
      throw new MediaRequestError('The media server is not available.');
    }
  }

  /**
   * A place for a new room: the instance with the fewest rooms among those up for every node,
   * else those up for this one (another node's mark may be about its own network), else, for
   * a room opening, the first one all the same (it may be back by now).
   */
  private choose(
    instances: JanusInstance[],
    view: InstancesView,
    opening: boolean,
  ): Placement | undefined {
    const loads = instances.map((instance) => ({
      url: instance.url,
      up: instance.up,
      rooms: view.rooms.get(instance.url) ?? 0,
    }));
    const picked =
      pickInstance(loads.map((load) => ({ ...load, up: load.up && !view.down.has(load.url) }))) ??
      pickInstance(loads) ??
      (opening ? loads[0] : undefined);
    if (!picked) return undefined;
    return {
      instanceUrl: picked.url,
      janusRoomId: randomInt(1, 2 ** 47),
      secret: randomBytes(18).toString('base64url'),
    };
  }

  /** The private Janus room of `placement`, created unless another node already did. */
  private async openPlace(roomId: string, placement: Placement): Promise<JanusPlace> {
    const instance = await this.instanceAt(placement.instanceUrl);
    const admin = await instance.attach();
    try {
      await withTimeout(
        admin.create({
          room: placement.janusRoomId,
          description: `tertulia ${roomId}`,
          max_publishers: this.settings.roomCap,
          is_private: true,
          secret: placement.secret,
          audiocodec: 'opus',
          videocodec: 'vp8',
          notify_joining: false,
        }),
        'create room',
      );
    } catch (error) {
      if ((error as { _code?: unknown })._code !== ROOM_EXISTS) {
        void admin.detach().catch(() => {});
        throw error;
      }
    }
    return { instance, placement, admin };
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

  /** This node is done with the room: the last node to let go destroys its Janus room. */
  private async release(roomId: string, room: JanusRoom): Promise<void> {
    try {
      const last = await this.placements.forget(roomId, room.holder);
      // Where another node moved it meanwhile, it is destroyed there.
      const admin =
        !last || samePlacement(last, room.placement)
          ? room.admin
          : await (await this.instanceAt(last.instanceUrl)).attach();
      if (last) {
        await withTimeout(
          admin.destroy({ room: last.janusRoomId, secret: last.secret }),
          'destroy',
        );
      }
      if (admin !== room.admin) await withTimeout(admin.detach(), 'detach');
    } catch (error) {
      this.log.warn({ err: error, roomId }, 'Janus room not destroyed');
    }
    await withTimeout(room.admin.detach(), 'detach').catch(() => {});
  }

  private async instanceAt(url: string): Promise<JanusInstance> {
    const instance = (await this.instances).find((candidate) => candidate.url === url);
    if (!instance) throw new Error(`the room is on ${url}, which this node's JANUS_URLS lack`);
    return instance;
  }

  /** Renews the placements of the rooms held here, as they are, so they do not lapse. */
  private refreshPlacements(): void {
    for (const [roomId, pending] of this.rooms) {
      void pending
        .then((room) => this.placements.placeOnce(roomId, room.holder, () => room.placement))
        .catch(() => {});
    }
  }
}
