/**
 * A participant's publishing connection on Janus: one VideoRoom publisher handle that answers
 * the browser's offers (the first joins the room and publishes; later ones, such as an ICE
 * restart, reconfigure) and reports when media is up, which is when others may subscribe (a
 * subscription before Janus's `webrtcup` fails with 428 "No such feed").
 *
 * Offers are answered one at a time, in order: a second one that arrives while the first is
 * joining (a page that restarted ICE just as it reset) reconfigures the joined publisher
 * instead of joining the room twice.
 *
 * It joins under the participant's peerId (`display`) and names each mid's slot (`descriptions`):
 * Janus repeats both to every participant of the room, which is how other app nodes, sharing the
 * room, know whose feed it is and what each stream carries (room-watcher.ts).
 */
import Janode, { type Jsep } from 'janode';
import type { VideoRoomHandle } from 'janode/plugins/videoroom';
import type { MediaNotice, SfuStream } from '../../../shared/signaling.js';
import { janusCandidate, toBrowserCandidate, type BrowserCandidate } from './candidates.js';
import { withTimeout } from './janus-instance.js';

export class Publisher {
  /** Janus's id for this feed; known to our server only. */
  feed: number | null = null;
  private readonly handle: Promise<VideoRoomHandle>;
  /** The offer being answered; the next one waits for it. */
  private offers: Promise<unknown> = Promise.resolve();

  constructor(
    handle: Promise<VideoRoomHandle>,
    private readonly janusRoom: number,
    private readonly peerId: string,
    send: (payload: MediaNotice) => void,
    onLive: (feed: number) => void,
  ) {
    this.handle = handle.then((ready) => {
      ready.on(Janode.EVENT.HANDLE_WEBRTCUP, () => {
        if (this.feed !== null) onLive(this.feed);
      });
      ready.on(Janode.EVENT.HANDLE_TRICKLE, (candidate: object) =>
        send({
          kind: 'candidate',
          connection: 'publish',
          candidate: toBrowserCandidate(candidate),
        }),
      );
      return ready;
    });
    this.handle.catch(() => {});
  }

  /** The browser's offer in, Janus's answer out; `slots` says what each mid of it carries. */
  offer(jsep: Jsep, slots: ReadonlyMap<string, SfuStream['slot']>): Promise<Jsep> {
    const answered = this.offers.then(() => this.answer(jsep, slots));
    this.offers = answered.catch(() => {});
    return answered;
  }

  trickle(candidate: BrowserCandidate | null): Promise<void> {
    return this.handle.then((handle) =>
      withTimeout(handle.trickle(janusCandidate(candidate)), 'trickle'),
    );
  }

  async close(): Promise<void> {
    const handle = await this.handle.catch(() => null);
    if (handle) await withTimeout(handle.detach(), 'detach').catch(() => {});
  }

  private async answer(jsep: Jsep, slots: ReadonlyMap<string, SfuStream['slot']>): Promise<Jsep> {
    const handle = await this.handle;
    const descriptions = [...slots].map(([mid, slot]) => ({ mid, description: slot }));
    const result =
      this.feed === null
        ? await withTimeout(
            handle.joinConfigurePublisher({
              room: this.janusRoom,
              display: this.peerId,
              descriptions,
              jsep,
            }),
            'publish',
          )
        : await withTimeout(handle.configure({ jsep, descriptions }), 'configure');
    if ('feed' in result && typeof result.feed === 'number') this.feed = result.feed;
    if (!result.jsep) throw new Error('Janus answered the publisher offer without SDP');
    return result.jsep;
  }
}
