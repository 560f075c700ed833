/**
 * The room, started by the lobby the moment the server lets the guest in, before React has
 * navigated and rendered the room page: its socket opens, its media starts and `/me` is asked
 * meanwhile. The room page takes what was started for its meeting, once.
 */
import type { ParticipantSession } from '../../../shared/api.js';
import { api } from '../../lib/api.js';
import { loadMediaPreferences } from '../../lib/media-preferences.js';
import { RoomSession } from './room-session.js';

interface Prestarted {
  token: string;
  room: RoomSession | null;
  me: Promise<ParticipantSession> | null;
}

let prestarted: Prestarted | null = null;

/**
 * The longest the lobby waits for the room's welcome before showing the room page. The welcome
 * comes within about 100 ms; a slower one is shown as the room's own "connecting" state.
 */
const WELCOME_WAIT_MS = 300;

/**
 * Call after the join succeeded and the lobby handed off its camera. Resolves once the server
 * has welcomed us into the room (so the offers to the others are made), or after
 * WELCOME_WAIT_MS: rendering the room page meanwhile kept the page's only thread busy for
 * 30-50 ms, and the socket's open and welcome events then waited behind it.
 */
export function prestartRoom(token: string): Promise<void> {
  prestarted?.room?.dispose();
  const room = new RoomSession(token, loadMediaPreferences(token));
  room.start();
  const me = api.joinSession(token);
  me.catch(() => {}); // whoever takes it handles the failure
  prestarted = { token, room, me };
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, WELCOME_WAIT_MS);
    const unsubscribe = room.subscribe(() => {
      if (room.getState().status !== 'connecting') done();
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
