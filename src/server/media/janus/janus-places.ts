/**
 * Where this node's rooms live in Janus: the instances it talks to (JANUS_URLS, or the Janus it
 * runs itself), and the rooms it opens on them where every node agrees they are
 * (room-placements.ts). It creates a Janus room unless another node already did, destroys it
 * when the last node lets go, and shares with the other nodes which instances it sees down.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { VideoRoomHandle } from 'janode/plugins/videoroom';
import { JANUS_RETRY_MS, JanusInstance, withTimeout, type JanusLog } from './janus-instance.js';
import { pickInstance } from './room-placement.js';
import {
  samePlacement,
  type InstancesView,
  type Placement,
  type RoomPlacements,
} from './room-placements.js';

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

/** A room opened on this node: where it is in Janus, and this node's claim on it. */
export interface JanusPlace {
  instance: JanusInstance;
  placement: Placement;
  /** Creates the room, watches its publishers (room-watcher.ts) and destroys it. */
  admin: VideoRoomHandle;
}

/** How long other nodes skip an instance this node saw fail; renewed while it stays down. */
export const DOWN_MARK_MS = 3 * JANUS_RETRY_MS;
/** Janus VideoRoom's answer to `create` for a room number that exists: another node made it. */
const ROOM_EXISTS = 427;

export class JanusPlaces {
  /** Known at once from JANUS_URLS, or once the local Janus answers. */
  readonly instances: Promise<JanusInstance[]>;
  /** Renews the shared down mark of each instance this node sees down. */
  private readonly downMarks = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly settings: JanusSettings,
    readonly placements: RoomPlacements,
    private readonly log: JanusLog,
    /** Called when an instance goes down or comes back up. */
    onChange: (instance: JanusInstance) => void,
    private readonly own?: OwnJanus,
  ) {
    const changed = (instance: JanusInstance) => {
      this.shareHealth(instance);
      onChange(instance);
    };
    this.instances = own
      ? own.url.then((url) => [new JanusInstance(url, own.apiSecret, log, changed)])
      : Promise.resolve(
          settings.urls.map((url) => new JanusInstance(url, settings.apiSecret, log, changed)),
        );
    this.instances.catch(() => {});
  }

  /** The room where every node agrees it is (placed now if nobody had), opened here. */
  async open(roomId: string, holder: string): Promise<JanusPlace> {
    const instances = await this.instances;
    const placement = await this.placements.placeOnce(roomId, holder, (view) =>
      choose(instances, view, true),
    );
    return this.at(roomId, placement);
  }

  /** The room's instance failed here: every node agrees on one new place, opened here. */
  async moveAway(roomId: string, holder: string, from: Placement): Promise<JanusPlace> {
    const instances = await this.instances;
    const placement = await this.placements.moved(roomId, holder, from, (view) =>
      choose(instances, view, false),
    );
    return this.at(roomId, placement);
  }

  /** The private Janus room of `placement`, created unless another node already did. */
  async at(roomId: string, placement: Placement): Promise<JanusPlace> {
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

  /** This node is done with the room: the last node to let go destroys its Janus room. */
  async release(roomId: string, holder: string, place: JanusPlace | undefined): Promise<void> {
    try {
      const last = await this.placements.forget(roomId, holder);
      if (last) {
        // Where another node moved it meanwhile, it is destroyed there.
        const admin =
          place && samePlacement(last, place.placement)
            ? place.admin
            : await (await this.instanceAt(last.instanceUrl)).attach();
        await withTimeout(
          admin.destroy({ room: last.janusRoomId, secret: last.secret }),
          'destroy',
        );
        if (admin !== place?.admin) await withTimeout(admin.detach(), 'detach');
      }
    } catch (error) {
      this.log.warn({ err: error, roomId }, 'Janus room not destroyed');
    }
    if (place) await withTimeout(place.admin.detach(), 'detach').catch(() => {});
  }

  /** Ends every Janus session, and the local Janus if this node runs one. */
  async close(): Promise<void> {
    for (const timer of this.downMarks.values()) clearInterval(timer);
    const instances = await this.instances.catch(() => []);
    await Promise.all(instances.map((instance) => instance.close()));
    await this.own?.stop();
  }

  private async instanceAt(url: string): Promise<JanusInstance> {
    const instance = (await this.instances).find((candidate) => candidate.url === url);
    if (!instance) throw new Error(`the room is on ${url}, which this node's JANUS_URLS lack`);
    return instance;
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
}

/**
 * A place for a new room: the instance with the fewest rooms among those up for every node,
 * else those up for this one (another node's mark may be about its own network), else, for a
 * room opening, the first one all the same (it may be back by now).
 */
function choose(
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
