/** Puts the room together: the in-process bus, the chat store and the media backend (p2p or janus). */
import path from 'node:path';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { iceServersFor } from '../media/ice-servers.js';
import { JanusBackend } from '../media/janus/janus-backend.js';
import { LocalJanus } from '../media/janus/local-janus.js';
import type { SignalSink } from '../media/media-backend.js';
import { P2pBackend } from '../media/p2p.js';
import type { Db } from '../storage/database.js';
import { ChatStore } from './chat-store.js';
import { InProcessRoomBus, type RoomBus } from './room-bus.js';
import { RoomHub } from './room-hub.js';

type Log = ConstructorParameters<typeof RoomHub>[4];

export function createRoomHub(
  db: Db,
  config: Config,
  clock: Clock,
  log: Log,
  /** Read on every join, so an admin's change applies to the next participant. */
  p2pRoomCap: () => Promise<number>,
  bus: RoomBus = new InProcessRoomBus(),
): RoomHub {
  const sink: SignalSink = (roomId, to, from, payload) => bus.signal(roomId, to, from, payload);
  const ice = (peerId: string) => iceServersFor(config.room, { peerId }, clock.now());
  const media =
    config.media.backend === 'janus'
      ? new JanusBackend(
          config.media,
          sink,
          ice,
          log,
          // No JANUS_URLS: this node runs Janus itself, on loopback.
          config.media.urls.length === 0
            ? new LocalJanus(path.join(config.dataDir, 'janus'), log)
            : undefined,
        )
      : new P2pBackend(sink, p2pRoomCap, ice);
  return new RoomHub(bus, new ChatStore(db), media, clock, log, {
    heartbeatMs: config.room.heartbeatMs,
    reconnectGraceMs: config.room.reconnectGraceMs,
  });
}
