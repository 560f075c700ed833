import { EventEmitter } from 'node:events';
import type { VideoRoomHandle } from 'janode/plugins/videoroom';
import VideoRoomPlugin from 'janode/plugins/videoroom';
import { describe, expect, it } from 'vitest';
import { watchRoom, type AnnouncedFeed } from './room-watcher.js';

/** A VideoRoom handle as far as the watcher uses it: join, then Janus's events. */
function fakeHandle(publishersAtJoin: unknown[]) {
  const handle = new EventEmitter() as EventEmitter & { joined?: unknown };
  const joinPublisher = (params: unknown) => {
    handle.joined = params;
    return Promise.resolve({ feed: 1, publishers: publishersAtJoin });
  };
  return Object.assign(handle, { joinPublisher }) as unknown as VideoRoomHandle & {
    joined?: unknown;
  };
}

function recorder() {
  const published: AnnouncedFeed[] = [];
  const gone: number[] = [];
  const warnings: string[] = [];
  return {
    published,
    gone,
    warnings,
    events: {
      published: (feeds: AnnouncedFeed[]) => published.push(...feeds),
      gone: (feed: number) => gone.push(feed),
    },
    log: { warn: (_: object, msg: string) => warnings.push(msg) },
  };
}

describe('watchRoom', () => {
  it('joins without publishing and names the feeds already there by display and description', async () => {
    const handle = fakeHandle([
      {
        feed: 7,
        display: 'ana',
        streams: [
          { mid: '0', type: 'audio', description: 'audio' },
          { mid: '1', type: 'video', description: 'camera' },
          { mid: '2', type: 'video', description: 'something else' },
        ],
      },
    ]);
    const r = recorder();
    await watchRoom(handle, 42, r.events, r.log);
    expect(handle.joined).toEqual({ room: 42 });
    expect(r.published).toEqual([
      {
        feed: 7,
        peerId: 'ana',
        slots: new Map([
          ['0', 'audio'],
          ['1', 'camera'],
        ]),
      },
    ]);
  });

  it('hears of publishers that come up and of those that go, and skips feeds it cannot name', async () => {
    const handle = fakeHandle([]);
    const r = recorder();
    await watchRoom(handle, 42, r.events, r.log);
    const { EVENT } = VideoRoomPlugin;
    handle.emit(EVENT.VIDEOROOM_PUB_LIST, {
      publishers: [{ feed: 8, display: 'bob', streams: [] }, { feed: 9 }],
    });
    handle.emit(EVENT.VIDEOROOM_UNPUBLISHED, { feed: 8 });
    handle.emit(EVENT.VIDEOROOM_LEAVING, { feed: 5 });
    expect(r.published.map((feed) => [feed.feed, feed.peerId])).toEqual([[8, 'bob']]);
    expect(r.gone).toEqual([8, 5]);
    expect(r.warnings).toEqual(['Janus announced a feed we cannot name']);
  });
});
