/**
 * The SFU backend: Janus VideoRoom driven through janode. Each of our rooms is one private
 * Janus room on one instance (the least loaded when it opens). Each participant has two
 * connections: a publisher (their camera and microphone, sent once) and a subscriber carrying
 * everyone else's feeds. Browsers negotiate with the `media` pseudo-peer over our signaling;
 * Janus's room ids, feed ids and secrets stay on this server.
 *
 * When an instance goes down, each of its rooms is opened again on another one and every
 * participant's browser is told to `reset`: it starts both connections again, without leaving
 * the room. Rooms that found no instance up wait for the next one that comes (back) up.
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
import {
  MediaRequestError,
  type MediaBackend,
  type MediaServers,
  type SignalSink,
} from '../media-backend.js';
import { cameraLayersFor } from './camera-layers.js';
import { JanusInstance, withTimeout, type JanusLog } from './janus-instance.js';
import { Publisher } from './publisher.js';
import { pickInstance } from './room-placement.js';
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
  /** Janus's room number and its secret (needed to destroy it). */
  id: number;
  secret: string;
  admin: VideoRoomHandle;
}

interface JanusRoom extends JanusPlace {
  participants: Map<string, JanusParticipant>;
  /** Its instance went down: the room must be opened again elsewhere. */
  lost: boolean;
}

export class JanusBackend implements MediaBackend {
  readonly name = 'janus';
  /** Known at once from JANUS_URLS, or once the local Janus answers. */
  private readonly instances: Promise<JanusInstance[]>;
  private readonly rooms = new Map<string, Promise<JanusRoom>>();
  /** The instances once known, for reading without waiting (none while a local Janus starts). */
  private known: JanusInstance[] = [];

  constructor(
    private readonly settings: JanusSettings,
    private readonly sink: SignalSink,
    private readonly ice: (peerId: string) => IceServerConfig[],
    private readonly log: JanusLog,
    private readonly own?: OwnJanus,
  ) {
    const changed = (instance: JanusInstance) => this.instanceChanged(instance);
    this.instances = own
      ? own.url.then((url) => [new JanusInstance(url, own.apiSecret, log, changed)])
      : Promise.resolve(
          settings.urls.map((url) => new JanusInstance(url, settings.apiSecret, log, changed)),
        );
    this.instances.then((instances) => (this.known = instances)).catch(() => {});
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
    if (participant.publisher) room.instance.publishers = Math.max(0, room.instance.publishers - 1);
    await Promise.all([participant.publisher?.close(), participant.subscriber?.close()]);
    if (room.participants.size === 0 && this.rooms.get(roomId) === pending) {
      this.rooms.delete(roomId);
      await withTimeout(room.admin.destroy({ room: room.id, secret: room.secret }), 'destroy')
        .then(() => room.admin.detach())
        .catch((error: unknown) =>
          this.log.warn({ err: error, roomId }, 'Janus room not destroyed'),
        );
    }
  }

  mediaServers(): MediaServers {
    return { up: this.known.filter((i) => i.up).length, total: this.known.length };
  }

  /** Ends every Janus session, and the local Janus if this node runs one (server shutdown). */
  async close(): Promise<void> {
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
    if (!participant.publisher) {
      participant.publisher = new Publisher(
        await room.instance.attach(),
        room.id,
        (payload) => void this.sink(roomId, peerId, MEDIA_PEER_ID, payload),
        (feed) => this.live(roomId, room, peerId, feed),
      );
      room.instance.publishers += 1;
    }
    let answer: Jsep;
    try {
      answer = await participant.publisher.offer(offer);
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
      room.id,
      (payload) => void this.sink(roomId, peerId, MEDIA_PEER_ID, payload),
      (feed, feedMid) => {
        const found = [...room.participants].find(([, m]) => m.liveFeed === feed);
        if (!found) return undefined;
        const [sourceId, source] = found;
        return { peerId: sourceId, slot: feedMid ? source.slots.get(feedMid) : undefined };
      },
      this.log,
    );
    participant.subscriber = subscriber;
    subscriber.show(participant.main);
    // Receiving does not wait for our own publishing (which may fail, or be slow).
    for (const other of room.participants.values()) {
      if (other !== participant && other.liveFeed !== null) subscriber.want(other.liveFeed);
    }
  }

  /** An instance went down or came back: rooms that lost theirs move to one that is up. */
  private instanceChanged(instance: JanusInstance): void {
    void (async () => {
      for (const [roomId, pending] of this.rooms) {
        const room = await pending.catch(() => undefined);
        if (!room) continue;
        if (!instance.up && room.instance === instance) room.lost = true;
        if (room.lost && this.rooms.get(roomId) === pending) {
          const moved = this.move(roomId, room);
          this.rooms.set(roomId, moved);
          // Nowhere to go yet: the room waits, as it was, for an instance to come up.
          moved.catch(() => {
            if (this.rooms.get(roomId) === moved) this.rooms.set(roomId, Promise.resolve(room));
          });
        }
      }
    })();
  }

  /**
   * Opens the room again on an instance that is up and tells every participant to start both
   * connections again; their old handles died with the old instance.
   */
  private async move(roomId: string, room: JanusRoom): Promise<JanusRoom> {
    const place = await this.openPlace(roomId);
    const from = room.instance.url;
    Object.assign(room, place, { lost: false });
    for (const [peerId, participant] of room.participants) {
      void participant.publisher?.close();
      void participant.subscriber?.close();
      participant.publisher = null;
      participant.liveFeed = null;
      this.subscribe(room, roomId, peerId, participant);
      void this.sink(roomId, peerId, MEDIA_PEER_ID, { kind: 'reset' });
    }
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

  private async openRoom(roomId: string): Promise<JanusRoom> {
    return { ...(await this.openPlace(roomId)), participants: new Map(), lost: false };
  }

  /** A new private Janus room on the least loaded instance that is up. */
  private async openPlace(roomId: string): Promise<JanusPlace> {
    let instance: JanusInstance | undefined;
    try {
      const instances = await this.instances;
      instance = pickInstance(instances) ?? instances[0];
      if (!instance) throw new Error('no Janus instance is configured');
      const admin = await instance.attach();
      const id = randomInt(1, 2 ** 47);
      const secret = randomBytes(18).toString('base64url');
      await withTimeout(
        admin.create({
          room: id,
          description: `tertulia ${roomId}`,
          max_publishers: this.settings.roomCap,
          is_private: true,
          secret,
          audiocodec: 'opus',
          videocodec: 'vp8',
          notify_joining: false,
        }),
        'create room',
      );
      return { instance, id, secret, admin };
    } catch (error) {
      this.log.warn({ err: error, janus: instance?.url, roomId }, 'Janus room not created');
      throw new MediaRequestError('The media server is not available.');
    }
  }
}
