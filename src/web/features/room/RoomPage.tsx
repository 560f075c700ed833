import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { Link, Navigate, useParams } from 'react-router';
import type { ParticipantSession } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { isApiError } from '../../lib/api-error.js';
import { loadMediaPreferences } from '../../lib/media-preferences.js';
import { Alert } from '../../ui/Alert.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import { Room } from './Room.js';
import { WaitingRoom } from './WaitingRoom.js';
import { RoomClosed } from './RoomClosed.js';
import { takePrestartedMe, takePrestartedRoom } from './room-prestart.js';
import { RoomSession } from './room-session.js';
import styles from './room.module.css';

/**
 * `/m/:token/room`: runs the room and, meanwhile, asks who the server lets in (guest session or
 * member login). The room's socket does not wait for that answer: it is authenticated by the
 * same session, so joining saves a round trip. Without a session the visitor goes to the lobby
 * (the answer says so, and the refused socket would too).
 */
export function RoomPage() {
  const { t } = useTranslation();
  const token = useParams().token ?? '';
  const { loaded } = useLoad(
    token,
    (signal) => takePrestartedMe(token) ?? api.joinSession(token, signal),
  );
  const session = loaded.status === 'ready' ? loaded.data : null;
  useDocumentTitle(session?.meeting.name);
  const lobbyPath = `/m/${encodeURIComponent(token)}`;

  if (loaded.status === 'failed') {
    if (isApiError(loaded.error) && loaded.error.status === 401) {
      return <Navigate to={lobbyPath} replace />;
    }
    return (
      <section className={styles.closed}>
        <Alert>{errorText(t, loaded.error)}</Alert>
        <Link to={lobbyPath}>{t('room.backToLobby')}</Link>
      </section>
    );
  }
  return <RoomRun token={token} session={session} lobbyPath={lobbyPath} />;
}

interface RoomRunProps {
  token: string;
  /** Null until `/me` answers. */
  session: ParticipantSession | null;
  lobbyPath: string;
}

/** One RoomSession per attempt: "Rejoin" and "Try again" start a fresh one. */
function RoomRun({ token, session, lobbyPath }: RoomRunProps) {
  const [attempt, setAttempt] = useState(0);
  const [room, setRoom] = useState<RoomSession | null>(null);

  useEffect(() => {
    let started = attempt === 0 ? takePrestartedRoom(token) : null;
    if (!started) {
      started = new RoomSession(token, loadMediaPreferences(token));
      started.start();
    }
    setRoom(started);
    return () => started.dispose();
  }, [token, attempt]);

  if (!room) return <Loading />;
  return (
    <RoomScreen
      key={attempt}
      room={room}
      token={token}
      session={session}
      lobbyPath={lobbyPath}
      onRetry={() => {
        setRoom(null);
        setAttempt((n) => n + 1);
      }}
    />
  );
}

interface RoomScreenProps extends RoomRunProps {
  room: RoomSession;
  onRetry: () => void;
}

function RoomScreen({ room, token, session, lobbyPath, onRetry }: RoomScreenProps) {
  const state = useSyncExternalStore(room.subscribe, room.getState);
  if (state.status === 'refused') return <Navigate to={lobbyPath} replace />;
  if (!session) return <Loading />;
  if (state.status === 'full' || state.status === 'closed' || state.status === 'left') {
    return (
      <RoomClosed
        status={state.status}
        because={state.closedBecause}
        by={state.moderation?.by ?? null}
        lobbyPath={lobbyPath}
        homePath={session.kind === 'member' ? '/meetings' : null}
        onRetry={onRetry}
      />
    );
  }
  if (state.waiting) {
    return (
      <WaitingRoom
        meetingName={session.meeting.name}
        hostPresent={state.waiting.hostPresent}
        camera={state.local.camera}
        onLeave={() => room.leave()}
      />
    );
  }
  return <Room room={room} state={state} token={token} meetingName={session.meeting.name} />;
}
