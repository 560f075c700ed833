/**
 * The publishers of one Janus room as Janus itself announces them, whichever app node made
 * them: with several nodes, a room's participants publish through different nodes' sessions,
 * and a node learns of the others' feeds only from Janus. A watcher is a VideoRoom handle
 * joined as a publisher that never publishes (so it takes no publisher place and nobody is told
 * of it, `notify_joining` being off): Janus lists the active publishers when it joins, then
 * tells it of each one whose media comes up (`publishers`) and of each that goes (`unpublished`,
 * `leaving`).
 *
 * Each publisher joins with its Tertulia peerId as `display` and the slot of each of its mids as
 * that stream's `description` (janus-backend.ts), which is how a feed maps back to a participant.
 */
import { z } from 'zod';
import type { VideoRoomHandle } from 'janode/plugins/videoroom';
import VideoRoomPlugin from 'janode/plugins/videoroom';
import { sfuStreamSchema, type SfuStream } from '../../../shared/signaling.js';
import { withTimeout, type JanusLog } from './janus-instance.js';

/** A feed announced by Janus: whose it is, and what each of its mids carries when named. */
export interface AnnouncedFeed {
  feed: number;
  peerId: string;
  slots: Map<string, SfuStream['slot']>;
}

export interface WatchEvents {
  published(feeds: AnnouncedFeed[]): void;
  gone(feed: number): void;
}

const announcedSchema = z.object({
  feed: z.number().int(),
  display: sfuStreamSchema.shape.peerId,
  streams: z
    .array(z.object({ mid: z.string().optional(), description: z.string().optional() }))
    .optional(),
});
const publishersSchema = z.object({ publishers: z.array(z.unknown()).optional() });
const goneSchema = z.object({ feed: z.number().int() });
const slotSchema = sfuStreamSchema.shape.slot;

/**
 * Joins `handle` to the room as a watcher; `events` hear of publishers from then on, starting
 * with those already publishing. Events stop when the handle is detached.
 */
export async function watchRoom(
  handle: VideoRoomHandle,
  janusRoom: number,
  events: WatchEvents,
  log: JanusLog,
): Promise<void> {
  const published = (data: unknown) => {
    const feeds = announcedFeeds(data, log);
    if (feeds.length > 0) events.published(feeds);
  };
  const gone = (data: unknown) => {
    const parsed = goneSchema.safeParse(data);
    if (parsed.success) events.gone(parsed.data.feed);
  };
  const { EVENT } = VideoRoomPlugin;
  handle.on(EVENT.VIDEOROOM_PUB_LIST, published);
  handle.on(EVENT.VIDEOROOM_UNPUBLISHED, gone);
  handle.on(EVENT.VIDEOROOM_LEAVING, gone);
  published(await withTimeout(handle.joinPublisher({ room: janusRoom }), 'watch room'));
}

function announcedFeeds(data: unknown, log: JanusLog): AnnouncedFeed[] {
  const list = publishersSchema.safeParse(data);
  const feeds: AnnouncedFeed[] = [];
  for (const entry of list.success ? (list.data.publishers ?? []) : []) {
    const parsed = announcedSchema.safeParse(entry);
    // A feed without our peerId as its display is not one of ours: nobody could be shown it.
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues.length }, 'Janus announced a feed we cannot name');
      continue;
    }
    const slots = new Map<string, SfuStream['slot']>();
    for (const stream of parsed.data.streams ?? []) {
      const slot = slotSchema.safeParse(stream.description);
      if (stream.mid !== undefined && slot.success) slots.set(stream.mid, slot.data);
    }
    feeds.push({ feed: parsed.data.feed, peerId: parsed.data.display, slots });
  }
  return feeds;
}
