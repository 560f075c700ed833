import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Jsep } from 'janode';
import type { SubscriberStream, VideoRoomHandle } from 'janode/plugins/videoroom';
import type { SignalPayload } from '../../../shared/signaling.js';
import type { JanusLog } from './janus-instance.js';
import { MAX_REFUSALS, REFUSED_RETRY_MS, Subscriber } from './subscriber.js';

// Subscriber's negotiation rules against a stand-in for janode's VideoRoom handle: Janus itself
// only answers with media flowing, which the browser e2e tests cover.

const STREAMS: SubscriberStream[] = [
  { mid: '0', type: 'audio', feed_id: 7, feed_mid: '0', active: true },
  { mid: '1', type: 'video', feed_id: 7, feed_mid: '1', active: true },
];

function fakeHandle() {
  let offers = 0;
  const offer = (): Jsep => ({
    type: 'offer',
    sdp: `v=0\r\ns=VideoRoom 42\r\na=offer:${++offers}`,
  });
  return {
    on: vi.fn(),
    joinSubscriber: vi.fn(async () => ({ streams: STREAMS, jsep: offer() })),
    update: vi.fn(async () => ({ streams: STREAMS, jsep: offer() })),
    configure: vi.fn(async (params: { restart?: boolean }) =>
      params.restart ? { jsep: offer() } : {},
    ),
    start: vi.fn(async () => ({})),
    trickle: vi.fn(async () => ({})),
    detach: vi.fn(async () => ({})),
  };
}

function subscriberWith(handle: ReturnType<typeof fakeHandle>) {
  const sent: SignalPayload[] = [];
  const log: JanusLog = { warn: vi.fn() };
  const subscriber = new Subscriber(
    async () => handle as unknown as VideoRoomHandle,
    42,
    (payload) => sent.push(payload),
    () => ({ peerId: 'AnaAnaAnaAna', slot: undefined }),
    log,
  );
  return { subscriber, sent };
}

/** Janus's refusal of a request naming a feed that is gone, as janode reports it. */
function noSuchFeed(feed: number): Error {
  return Object.assign(new Error(`428 No such feed (${feed})`), { _code: 428 });
}

const offersIn = (sent: SignalPayload[]) =>
  sent.filter((p) => p.kind === 'description' && p.description.type === 'offer');

describe('Subscriber', () => {
  // Fake timers let a test run everything the subscriber would do on its own, Janus's request
  // timeouts and any delayed step included, before it asserts that something did not happen.
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('subscribes, hands Janus the answer, then restarts ICE with a fresh offer for the same streams', async () => {
    const handle = fakeHandle();
    const { subscriber, sent } = subscriberWith(handle);
    subscriber.want(7);
    await vi.waitFor(() => expect(offersIn(sent)).toHaveLength(1));
    const first = offersIn(sent)[0]!;
    expect(first).toMatchObject({
      connection: 'subscribe',
      description: { sdp: expect.stringContaining('s=-') },
    });
    expect(subscriber.answer({ type: 'answer', sdp: 'answer 1' })).toBe(true);
    await vi.waitFor(() => expect(handle.start).toHaveBeenCalledTimes(1));

    subscriber.restartIce();
    await vi.waitFor(() => expect(offersIn(sent)).toHaveLength(2));
    expect(handle.configure).toHaveBeenCalledWith({ restart: true });
    const restarted = offersIn(sent)[1]!;
    expect('streams' in restarted && restarted.streams).toEqual(
      'streams' in first && first.streams,
    );
    expect(subscriber.answer({ type: 'answer', sdp: 'answer 2' })).toBe(true);
    await vi.waitFor(() =>
      expect(handle.start).toHaveBeenLastCalledWith({ jsep: { type: 'answer', sdp: 'answer 2' } }),
    );
    await subscriber.close();
  });

  it('subscribes each camera on the layer this viewer shows it at, with no configure after the start', async () => {
    const handle = fakeHandle();
    const { subscriber } = subscriberWith(handle);
    subscriber.show('AnaAnaAnaAna'); // the participant behind feed 7, shown large
    subscriber.want(7);
    await vi.waitFor(() => expect(handle.joinSubscriber).toHaveBeenCalledTimes(1));
    expect(handle.joinSubscriber).toHaveBeenCalledWith(
      expect.objectContaining({ streams: [{ feed: 7, substream: 2 }] }),
    );
    subscriber.answer({ type: 'answer', sdp: 'answer' });
    await vi.waitFor(() => expect(handle.start).toHaveBeenCalledTimes(1));
    await vi.runAllTimersAsync();
    // A configure before media would restart Janus's layer choice: the first frame came later.
    expect(handle.configure).not.toHaveBeenCalled();

    subscriber.show(null); // now a thumbnail: the quarter layer
    await vi.waitFor(() =>
      expect(handle.configure).toHaveBeenCalledWith({ streams: [{ mid: '1', substream: 0 }] }),
    );
    await subscriber.close();
  });

  it('has nothing to restart before it has subscribed to anyone', async () => {
    const handle = fakeHandle();
    const { subscriber, sent } = subscriberWith(handle);
    subscriber.restartIce();
    await vi.runAllTimersAsync();
    expect(handle.configure).not.toHaveBeenCalledWith({ restart: true });
    expect(offersIn(sent)).toHaveLength(0);
    await subscriber.close();
  });

  it('tries a change Janus refused again without the feed that went away, so the others still come', async () => {
    const handle = fakeHandle();
    const offer = { type: 'offer' as const, sdp: 'v=0\r\ns=VideoRoom 42' };
    handle.update.mockImplementation(async (...args: unknown[]) => {
      const params = args[0] as { subscribe?: { feed: number }[] };
      if (params.subscribe?.some(({ feed }) => feed === 9)) throw noSuchFeed(9);
      return { streams: STREAMS, jsep: offer };
    });
    const { subscriber, sent } = subscriberWith(handle);
    subscriber.want(5);
    await vi.waitFor(() => expect(offersIn(sent)).toHaveLength(1));
    // While the browser answers, two publishers come: 7, and 9 whose node drains at once.
    subscriber.want(7);
    subscriber.want(9);
    subscriber.answer({ type: 'answer', sdp: 'answer 1' });
    await vi.waitFor(() => expect(handle.update).toHaveBeenCalledTimes(1));
    expect(handle.update).toHaveBeenCalledWith({
      subscribe: [
        { feed: 7, substream: 0 },
        { feed: 9, substream: 0 },
      ],
    });
    // Janus refused both; then says 9 is gone: 7 comes all the same, at once.
    subscriber.drop(9);
    await vi.waitFor(() => expect(offersIn(sent)).toHaveLength(2));
    expect(handle.update).toHaveBeenLastCalledWith({ subscribe: [{ feed: 7, substream: 0 }] });
    await subscriber.close();
  });

  it('tries a refused change again shortly, and after a few refusals takes it as done', async () => {
    const handle = fakeHandle();
    handle.update.mockRejectedValue(noSuchFeed(8));
    const { subscriber, sent } = subscriberWith(handle);
    subscriber.want(7);
    await vi.waitFor(() => expect(offersIn(sent)).toHaveLength(1));
    subscriber.answer({ type: 'answer', sdp: 'answer' });
    await vi.waitFor(() => expect(handle.start).toHaveBeenCalledTimes(1));

    subscriber.want(8);
    await vi.waitFor(() => expect(handle.update).toHaveBeenCalledTimes(1));
    await vi.advanceTimersByTimeAsync(REFUSED_RETRY_MS);
    expect(handle.update).toHaveBeenCalledTimes(2);
    await vi.runAllTimersAsync();
    expect(handle.update).toHaveBeenCalledTimes(1 + MAX_REFUSALS);
    // Given up on: a later change does not name feed 8 again.
    handle.update.mockClear();
    subscriber.drop(7);
    await vi.waitFor(() => expect(handle.update).toHaveBeenCalledTimes(1));
    expect(handle.update).toHaveBeenCalledWith({ unsubscribe: [{ feed: 7 }] });
    await subscriber.close();
  });
});
