/**
 * The room, started by the lobby the moment the server lets the guest in, before React has
 * navigated and rendered the room page: its socket opens, its media starts and `/me` is asked
 * meanwhile. The room page takes what was started for its meeting, once.
 */
import type { ParticipantSession } from '../../../shared/api.js';
import { joinApi } from '../../lib/join-api.js';
import { loadMediaPreferences } from '../../lib/media-preferences.js';
import { RoomSession } from './room-session.js';

interface Prestarted {
  token: string;
  room: RoomSession | null;
  me: Promise<ParticipantSession> | null;
}

let prestarted: Prestarted | null = null;

/**
 * The longest the lobby waits before showing the room page. Rendering the room keeps the page's
 * only thread busy, and the socket's events wait behind it: done while the answers to our offers
 * are on their way, it holds them back. The room shows once they are applied, as media then only
 * waits for ICE and DTLS off the main thread, or after this long: a slower room shows its own
 * "connecting" state (docs/decisions/004-join-keeps-the-page-thread-free.md).
 */
const SHOW_ROOM_WAIT_MS = 500;

/**
 * Call after the join succeeded and the lobby handed off its camera. Resolves once the server
 * has welcomed us into the room and the others have answered our offers, or after
 * SHOW_ROOM_WAIT_MS.
 */
export function prestartRoom(token: string): Promise<void> {
  prestarted?.room?.dispose();
  const room = new RoomSession(token, loadMediaPreferences(token));
  room.start();
  const me = joinApi.joinSession(token);
  me.catch(() => {}); // whoever takes it handles the failure
  prestarted = { token, room, me };
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, SHOW_ROOM_WAIT_MS);
    // Asked once, at the first state past "connecting": the welcome's offers are all out then.
    let asked = false;
    const unsubscribe = room.subscribe(() => {
      if (asked || room.getState().status === 'connecting') return;
      asked = true;
      void room.offersAnswered().then(done);
    });
  });
}

/** The started room for this meeting, if any; taken once (a retry starts a fresh one). */
export function takePrestartedRoom(token: string): RoomSession | null {
  if (prestarted?.token !== token) return null;
  const { room } = prestarted;
  prestarted.room = null;
  return room;
}

/** The `/me` answer asked for with it, if any; taken once. */
export function takePrestartedMe(token: string): Promise<ParticipantSession> | null {
  if (prestarted?.token !== token) return null;
  const { me } = prestarted;
  prestarted.me = null;
  return me;
}
