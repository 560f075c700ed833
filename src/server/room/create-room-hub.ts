/** Puts the room together: the in-process bus, the chat store and the media backend (p2p or janus). */
import path from 'node:path';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { iceServersFor } from '../media/ice-servers.js';
import { JanusBackend } from '../media/janus/janus-backend.js';
import { LocalJanus } from '../media/janus/local-janus.js';
import { LocalJanusOrP2p } from '../media/local-janus-or-p2p.js';
import type { MediaBackend, SignalSink } from '../media/media-backend.js';
import { P2pBackend } from '../media/p2p.js';
import type { Db } from '../storage/database.js';
import { ChatStore } from './chat-store.js';
import { InProcessRoomBus, type RoomBus } from './room-bus.js';
import { RoomHub } from './room-hub.js';

/** `info` says once, at start-up, which media backend rooms use. */
type Log = ConstructorParameters<typeof RoomHub>[4] &
  ConstructorParameters<typeof InProcessRoomBus>[0] & { info(msg: string): void };

export function createRoomHub(
  db: Db,
  config: Config,
  clock: Clock,
  log: Log,
  /** Read on every join, so an admin's change applies to the next participant. */
  p2pRoomCap: () => Promise<number>,
  bus: RoomBus = new InProcessRoomBus(log),
): RoomHub {
  const sink: SignalSink = (roomId, to, from, payload) => bus.signal(roomId, to, from, payload);
  const ice = (peerId: string) => iceServersFor(config.room, { peerId }, clock.now());
  const p2p = () => new P2pBackend(sink, p2pRoomCap, ice);
  let media: MediaBackend;
  const settings = config.media;
  if (settings.backend === 'p2p') {
    media = p2p();
    log.info('media: p2p');
  } else if (!settings.local) {
    media = new JanusBackend(settings, sink, ice, log);
    log.info(`media: janus (${settings.urls.map((url) => new URL(url).host).join(', ')})`);
  } else {
    // No JANUS_URLS: this node runs Janus itself, on loopback.
    const local = new LocalJanus(path.join(config.dataDir, 'janus'), log, settings.local.binary);
    const janus = new JanusBackend(settings, sink, ice, log, local);
    media = settings.local.fallbackToP2p ? new LocalJanusOrP2p(janus, local, p2p(), log) : janus;
    // A failure is LocalJanus's warning (how to install it), and LocalJanusOrP2p's line.
    local.url.then((url) => log.info(`media: janus (local, ${new URL(url).host})`)).catch(() => {});
  }
  return new RoomHub(bus, new ChatStore(db, log), media, clock, log, {
    heartbeatMs: config.room.heartbeatMs,
    reconnectGraceMs: config.room.reconnectGraceMs,
  });
}
