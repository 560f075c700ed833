/**
 * A participant's subscribing connection on Janus: one VideoRoom subscriber handle carrying
 * every other participant's feed (the multistream `streams` join, then `update`), so a newcomer
 * adds streams, not connections. Janus offers, the browser answers. One negotiation runs at a
 * time: changes asked for meanwhile are folded into the next one.
 *
 * Cameras are published in three simulcast layers; this viewer gets the high one for the
 * participant it shows large (`show`) and the low one for every thumbnail.
 *
 * Janus refuses a whole subscription change when one of its feeds is gone ("428 No such feed"),
 * which happens when a publisher leaves (a node drains, a page moves) between its announcement
 * and our request. Such a refused change is not taken as done: it is tried again with the next
 * change (the departure that drops the gone feed) or shortly after, so the feeds that are still
 * there are not lost with it.
 */
import Janode, { type Jsep } from 'janode';
import type { SubscriberStream, VideoRoomHandle } from 'janode/plugins/videoroom';
import type { SfuStream, MediaNotice } from '../../../shared/signaling.js';
import { janusCandidate, toBrowserCandidate, type BrowserCandidate } from './candidates.js';
import { withTimeout, type JanusLog } from './janus-instance.js';
import { sdpForBrowser } from './sdp.js';

/** Who sends a stream: the participant, and the slot when their publish offer named it. */
export interface Source {
  peerId: string;
  slot: SfuStream['slot'] | undefined;
}

/** Janus's simulcast substreams: 0 is the smallest layer, 2 the full one. */
export const THUMBNAIL_LAYER = 0;
export const MAIN_LAYER = 2;

/** A change Janus refused is tried again after this long, unless another change comes first. */
export const REFUSED_RETRY_MS = 1_000;
/**
 * Refusals in a row after which a change is taken as done all the same (as a failure to reach
 * Janus always is): a feed Janus keeps refusing must not hold back every later subscription.
 */
export const MAX_REFUSALS = 5;

export class Subscriber {
  private handle: VideoRoomHandle | null = null;
  private joined = false;
  private running = false;
  private dirty = false;
  private closed = false;
  /** Changes Janus refused in a row; reset by one it takes. */
  private refusals = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The browser asked for an ICE restart; done by the next run. */
  private iceRestart = false;
  private readonly wanted = new Set<number>();
  private current = new Set<number>();
  /** Whom this viewer shows large. */
  private main: string | null = null;
  /** The subscription as Janus last described it, once the browser's answer started it. */
  private streams: SubscriberStream[] = [];
  /** "mid/feed/feedMid" -> the layer Janus was asked for (a mid is reused for a new feed). */
  private readonly layers = new Map<string, number>();
  /**
   * Resolves the offer in flight: with the browser's answer, or null when this subscriber
   * closes. No timeout: a participant whose socket dropped gets the offer when they come back
   * (the hub keeps it for them), and one who never does leaves, which closes this.
   */
  private awaitingAnswer: ((jsep: Jsep | null) => void) | null = null;

  constructor(
    private readonly attach: () => Promise<VideoRoomHandle>,
    private readonly janusRoom: number,
    private readonly send: (payload: MediaNotice) => void,
    /** Our participant behind a Janus feed, and the slot their publisher's mid carries. */
    private readonly describe: (feed: number, feedMid: string | undefined) => Source | undefined,
    private readonly log: JanusLog,
  ) {}

  want(feed: number): void {
    this.wanted.add(feed);
    this.kick();
  }

  drop(feed: number): void {
    this.wanted.delete(feed);
    this.kick();
  }

  /** This viewer now shows `peerId` large (null: nobody else): switch simulcast layers. */
  show(peerId: string | null): void {
    if (this.main === peerId) return;
    this.main = peerId;
    this.kick();
  }

  /** The browser lost its path to Janus: offer again with fresh ICE credentials. */
  restartIce(): void {
    this.iceRestart = true;
    this.kick();
  }

  /** The browser's answer to the offer it was sent; false when none was waiting. */
  answer(jsep: Jsep): boolean {
    const waiting = this.awaitingAnswer;
    this.awaitingAnswer = null;
    waiting?.(jsep);
    return waiting !== null;
  }

  async trickle(candidate: BrowserCandidate | null): Promise<void> {
    if (this.handle) await withTimeout(this.handle.trickle(janusCandidate(candidate)), 'trickle');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.awaitingAnswer?.(null);
    this.awaitingAnswer = null;
    if (this.handle) await withTimeout(this.handle.detach(), 'detach').catch(() => {});
  }

  private kick(): void {
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = true;
    void this.run().finally(() => {
      this.running = false;
    });
  }

  private async run(): Promise<void> {
    do {
      this.dirty = false;
      const subscribe = [...this.wanted].filter((feed) => !this.current.has(feed));
      const unsubscribe = [...this.current].filter((feed) => !this.wanted.has(feed));
      if (this.closed) return;
      if (subscribe.length > 0 || unsubscribe.length > 0) {
        const before = this.current;
        this.current = new Set(this.wanted);
        try {
          await this.negotiate(subscribe, unsubscribe);
          this.refusals = 0;
        } catch (error) {
          this.log.warn(
            { err: error, subscribe: subscribe.length, unsubscribe: unsubscribe.length },
            'Janus subscription change failed',
          );
          // Refused: Janus changed nothing, so nothing of it is done. Any other failure (a
          // timeout, a browser that never answered) may have changed Janus: it stands settled.
          if (refusedByJanus(error) && this.refusals < MAX_REFUSALS) {
            this.refusals += 1;
            this.current = before;
            this.retryLater();
          }
        }
      }
      if (this.iceRestart) {
        this.iceRestart = false;
        await this.restartIceNow().catch((error: unknown) =>
          this.log.warn({ err: error }, 'Janus subscriber ICE restart failed'),
        );
      }
      await this.chooseLayers().catch((error: unknown) =>
        this.log.warn({ err: error }, 'Janus simulcast layer change failed'),
      );
    } while (this.dirty);
  }

  /** Tries the refused change again in a moment, if nothing else kicks this before. */
  private retryLater(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.kick(), REFUSED_RETRY_MS);
    this.retryTimer.unref();
  }

  private async negotiate(subscribe: number[], unsubscribe: number[]): Promise<void> {
    const handle = await this.ensureHandle();
    // Each new camera starts on the layer this viewer shows it at: a change asked for after the
    // start reaches Janus before any media and delays the first frame
    // (docs/decisions/002-janus-subscribe-on-the-shown-layer.md).
    const asked = new Map(subscribe.map((feed) => [feed, this.layerOf(feed)]));
    const withLayers = subscribe.map((feed) => ({ feed, substream: asked.get(feed) }));
    let offer: { streams?: SubscriberStream[]; jsep?: Jsep };
    if (!this.joined) {
      if (subscribe.length === 0) return;
      offer = await withTimeout(
        handle.joinSubscriber({
          room: this.janusRoom,
          streams: withLayers,
          autoupdate: false,
        }),
        'subscribe',
      );
      this.joined = true;
    } else {
      // Janus 1.1 refuses an empty list ("430 Empty unsubscription list"): send only non-empty ones.
      offer = await withTimeout(
        handle.update({
          ...(subscribe.length ? { subscribe: withLayers } : {}),
          ...(unsubscribe.length ? { unsubscribe: unsubscribe.map((feed) => ({ feed })) } : {}),
        }),
        'update',
      );
    }
    await this.offerToBrowser(handle, offer.jsep, offer.streams ?? []);
    this.noteLayers(asked);
  }

  /** Records the layers a subscription started on, and forgets the streams that are gone. */
  private noteLayers(asked: Map<number, number>): void {
    const present = new Set<string>();
    for (const stream of this.streams) {
      const key = layerKey(stream);
      present.add(key);
      const layer = stream.feed_id === undefined ? undefined : asked.get(stream.feed_id);
      if (stream.type === 'video' && layer !== undefined) this.layers.set(key, layer);
    }
    for (const key of this.layers.keys()) if (!present.has(key)) this.layers.delete(key);
  }

  /** Same subscription, new ICE credentials: Janus offers, the browser answers as ever. */
  private async restartIceNow(): Promise<void> {
    const handle = this.handle;
    if (!handle || !this.joined || this.closed) return;
    const offer = await withTimeout(handle.configure({ restart: true }), 'ICE restart');
    await this.offerToBrowser(handle, offer.jsep, this.streams);
  }

  /** Sends Janus's offer to the browser, waits for its answer and starts the subscription. */
  private async offerToBrowser(
    handle: VideoRoomHandle,
    offer: Jsep | undefined,
    streams: SubscriberStream[],
  ): Promise<void> {
    if (!offer || this.closed) return;
    const answer = new Promise<Jsep | null>((resolve) => {
      this.awaitingAnswer = resolve;
    });
    this.send({
      kind: 'description',
      connection: 'subscribe',
      description: { type: 'offer', sdp: sdpForBrowser(offer.sdp) },
      streams: this.streamsOf(streams),
    });
    const jsep = await answer;
    if (jsep && !this.closed) {
      await withTimeout(handle.start({ jsep }), 'start');
      this.streams = streams;
    }
  }

  /** Asks Janus for the high layer of the main participant's camera, the low one of the rest. */
  private async chooseLayers(): Promise<void> {
    if (!this.handle || this.closed) return;
    const changes: { key: string; mid: string; substream: number }[] = [];
    for (const stream of this.streams) {
      if (stream.type !== 'video' || stream.active === false || stream.feed_id === undefined) {
        continue;
      }
      const source = this.describe(stream.feed_id, stream.feed_mid);
      // Screens are sent in one layer; an unknown feed has just left.
      if (!source || source.slot === 'screen') continue;
      const layer = this.layerFor(source.peerId);
      const key = layerKey(stream);
      if (this.layers.get(key) === layer) continue;
      changes.push({ key, mid: stream.mid, substream: layer });
    }
    if (changes.length === 0) return;
    const streams = changes.map(({ mid, substream }) => ({ mid, substream }));
    await withTimeout(this.handle.configure({ streams }), 'configure layers');
    for (const { key, substream } of changes) this.layers.set(key, substream);
  }

  /** The layer this viewer wants of a participant's camera: the high one if shown large. */
  private layerFor(peerId: string | undefined): number {
    return peerId !== undefined && peerId === this.main ? MAIN_LAYER : THUMBNAIL_LAYER;
  }

  private layerOf(feed: number): number {
    return this.layerFor(this.describe(feed, undefined)?.peerId);
  }

  private async ensureHandle(): Promise<VideoRoomHandle> {
    if (this.handle) return this.handle;
    const handle = await this.attach();
    handle.on(Janode.EVENT.HANDLE_TRICKLE, (event: Parameters<typeof toBrowserCandidate>[0]) =>
      this.send({
        kind: 'candidate',
        connection: 'subscribe',
        candidate: toBrowserCandidate(event),
      }),
    );
    this.handle = handle;
    return handle;
  }

  /** Janus's streams as the browser may see them: mid -> participant and slot, no feed ids. */
  private streamsOf(streams: SubscriberStream[]): SfuStream[] {
    const result: SfuStream[] = [];
    for (const stream of streams) {
      if (stream.active === false || stream.feed_id === undefined || stream.type === 'data') {
        continue;
      }
      const source = this.describe(stream.feed_id, stream.feed_mid);
      if (!source) continue;
      const slot = source.slot ?? (stream.type === 'audio' ? 'audio' : 'camera');
      result.push({ mid: stream.mid, peerId: source.peerId, slot });
    }
    return result;
  }
}

/** Janus answered the request with an error (janode gives its code): nothing was changed. */
function refusedByJanus(error: unknown): boolean {
  return typeof (error as { _code?: unknown } | null)?._code === 'number';
}

/** A stream's place in the layers map: a mid is reused when its feed leaves and another comes. */
function layerKey(stream: SubscriberStream): string {
  return `${stream.mid}/${stream.feed_id}/${stream.feed_mid ?? ''}`;
}
