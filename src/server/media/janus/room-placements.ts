/**
 * Where each meeting room lives in Janus, as every app node agrees: one instance, one Janus
 * room number and its secret per meeting room, whichever node its participants reach. The first
 * node to place a room decides; the others read its answer. A move away from a failed instance
 * is a compare-and-set, so two nodes that notice the same failure open one new room, not two.
 *
 * A room is held by "holders": one token per node-local room object (janus-backend.ts), not per
 * node, so a node that empties a room and opens it again at once never loses its claim to a late
 * release. The placement is forgotten (and its Janus room destroyed) when the last holder lets
 * go: empty on every node, not just this one.
 *
 * Health is shared the simplest way that holds: whoever sees an instance fail marks it down for
 * a few seconds and keeps renewing the mark while it stays down, so every node skips it even if
 * it never had a session there; load is the number of rooms placed on each instance.
 *
 * Whom each participant shows large is shared too: it decides which camera layers a publisher
 * sends (camera-layers.ts), and a publisher on one node may be shown large only on another.
 *
 * This file holds the interface and the single-node store (everything in this process); the
 * Redis store (redis-room-placements.ts) serves several nodes.
 */

export interface Placement {
  instanceUrl: string;
  /** Janus's room number (random, below 2^47) and the secret that destroys it. */
  janusRoomId: number;
  secret: string;
}

/** What every node knows of the Janus instances. */
export interface InstancesView {
  /** Instances some node saw fail and that have not answered since (the mark expires by itself). */
  down: ReadonlySet<string>;
  /** Rooms placed on each instance; an instance not listed holds none. */
  rooms: ReadonlyMap<string, number>;
}

/** A new placement from the shared view; undefined when no instance can take the room. */
export type ChoosePlacement = (view: InstancesView) => Placement | undefined;

export interface RoomPlacements {
  /**
   * Adds `holder` to the room's holders and gives the room's placement: the existing one, or the
   * one `choose` makes when the room has none (if two nodes race, one choice wins for both).
   */
  placeOnce(roomId: string, holder: string, choose: ChoosePlacement): Promise<Placement>;
  /**
   * The room's instance failed under `from`: if the room is still there, it goes where `choose`
   * says and every node hears of it (`onMoved`); if another node moved it first, its choice is
   * returned and `choose` is not used. Keeps `holder` among the holders.
   */
  moved(
    roomId: string,
    holder: string,
    from: Placement,
    choose: ChoosePlacement,
  ): Promise<Placement>;
  /** The room's placement now, if it has one. */
  current(roomId: string): Promise<Placement | undefined>;
  /**
   * `holder` lets go of the room. When it was the last holder, the placement is forgotten and
   * returned, for the caller to destroy its Janus room; otherwise undefined.
   */
  forget(roomId: string, holder: string): Promise<Placement | undefined>;
  /** This node saw the instance fail: every node skips it for `forMs` unless marked again. */
  markDown(instanceUrl: string, forMs: number): Promise<void>;
  /** This node reached the instance again: new rooms may go there at once. */
  markUp(instanceUrl: string): Promise<void>;
  /** The instances as every node sees them: those marked down, and rooms per instance. */
  view(): Promise<InstancesView>;
  /** Calls `listener` with the id of each room moved by any node (this one included). */
  onMoved(listener: (roomId: string) => void): () => void;
  /** `peerId` shows `main` large (null: nobody); undefined: they left the room. */
  setView(roomId: string, peerId: string, main: string | null | undefined): Promise<void>;
  /** Whom each participant of the room, on every node, shows large. */
  views(roomId: string): Promise<Map<string, string | null>>;
  /** Calls `listener` with the id of each room where someone's view changed (`setView`). */
  onViews(listener: (roomId: string) => void): () => void;
}

/** The choice gave nothing: no instance can take a room now. */
export class NoInstanceError extends Error {
  constructor() {
    super('no Janus instance can take the room');
  }
}

export function samePlacement(a: Placement, b: Placement): boolean {
  return a.instanceUrl === b.instanceUrl && a.janusRoomId === b.janusRoomId;
}

/** One node: the placements live in this process, and so does everything that reads them. */
export class InProcessRoomPlacements implements RoomPlacements {
  private readonly placements = new Map<string, Placement>();
  private readonly holders = new Map<string, Set<string>>();
  /** Instance URL -> when its down mark lapses (ms since the epoch). */
  private readonly downUntil = new Map<string, number>();
  private readonly listeners = new Set<(roomId: string) => void>();
  private readonly roomViews = new Map<string, Map<string, string | null>>();
  private readonly viewListeners = new Set<(roomId: string) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  async placeOnce(roomId: string, holder: string, choose: ChoosePlacement): Promise<Placement> {
    const placement = this.placements.get(roomId) ?? this.chosen(choose);
    this.placements.set(roomId, placement);
    this.holdersOf(roomId).add(holder);
    return placement;
  }

  async moved(
    roomId: string,
    holder: string,
    from: Placement,
    choose: ChoosePlacement,
  ): Promise<Placement> {
    const current = this.placements.get(roomId);
    this.holdersOf(roomId).add(holder);
    if (current && !samePlacement(current, from)) return current;
    const next = this.chosen(choose);
    this.placements.set(roomId, next);
    for (const listener of this.listeners) listener(roomId);
    return next;
  }

  async current(roomId: string): Promise<Placement | undefined> {
    return this.placements.get(roomId);
  }

  async forget(roomId: string, holder: string): Promise<Placement | undefined> {
    const holders = this.holders.get(roomId);
    holders?.delete(holder);
    if (holders && holders.size > 0) return undefined;
    const placement = this.placements.get(roomId);
    this.placements.delete(roomId);
    this.holders.delete(roomId);
    this.roomViews.delete(roomId);
    return placement;
  }

  async markDown(instanceUrl: string, forMs: number): Promise<void> {
    this.downUntil.set(instanceUrl, this.now() + forMs);
  }

  async markUp(instanceUrl: string): Promise<void> {
    this.downUntil.delete(instanceUrl);
  }

  async view(): Promise<InstancesView> {
    return this.snapshot();
  }

  onMoved(listener: (roomId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async setView(roomId: string, peerId: string, main: string | null | undefined): Promise<void> {
    let views = this.roomViews.get(roomId);
    if (!views) {
      views = new Map();
      this.roomViews.set(roomId, views);
    }
    if (main === undefined) views.delete(peerId);
    else views.set(peerId, main);
    for (const listener of this.viewListeners) listener(roomId);
  }

  async views(roomId: string): Promise<Map<string, string | null>> {
    return new Map(this.roomViews.get(roomId));
  }

  onViews(listener: (roomId: string) => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  private chosen(choose: ChoosePlacement): Placement {
    const placement = choose(this.snapshot());
    if (!placement) throw new NoInstanceError();
    return placement;
  }

  private snapshot(): InstancesView {
    const now = this.now();
    const down = new Set(
      [...this.downUntil].filter(([, until]) => until > now).map(([url]) => url),
    );
    const rooms = new Map<string, number>();
    for (const { instanceUrl } of this.placements.values()) {
      rooms.set(instanceUrl, (rooms.get(instanceUrl) ?? 0) + 1);
    }
    return { down, rooms };
  }

  private holdersOf(roomId: string): Set<string> {
    let holders = this.holders.get(roomId);
    if (!holders) {
      holders = new Set();
      this.holders.set(roomId, holders);
    }
    return holders;
  }
}
