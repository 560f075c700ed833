import { lazy, Suspense, useCallback } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { useParams } from 'react-router';
import type { JoinInfo } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { joinApi } from '../../lib/join-api.js';
import { takeBootInfo } from '../../lib/lobby-boot.js';
import { isApiError } from '../../lib/api-error.js';
import { clockOffsetMs } from '../../lib/join-timing.js';
import { Alert } from '../../ui/Alert.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import { GuestLobby } from './GuestLobby.js';
import { useAfterJoinReady } from './use-after-join-ready.js';
import { useJoinTiming } from './use-join-timing.js';
import styles from './lobby.module.css';

/** A member opening the link goes straight in: their screen is a chunk guests never fetch. */
const MemberJoin = lazy(() => import('./MemberJoin.js').then((m) => ({ default: m.MemberJoin })));

interface LoadedInfo {
  info: JoinInfo;
  /** Server clock minus this device's clock, measured when the answer arrived. */
  offsetMs: number;
}

async function loadInfo(token: string, signal?: AbortSignal): Promise<LoadedInfo> {
  const boot = takeBootInfo(token);
  if (boot)
    return { info: boot.info, offsetMs: clockOffsetMs(boot.info.serverTime, boot.receivedAt) };
  const info = await joinApi.joinInfo(token, signal);
  return { info, offsetMs: clockOffsetMs(info.serverTime, Date.now()) };
}

interface LobbyPageProps {
  /** Called once, when Join can be used (the app then fetches the room's code). */
  onJoinReady?: () => void;
}

/**
 * `/m/:token`: the lobby of a join link. Guests give a name, maybe a picture, and check their
 * camera and microphone; a logged-in member goes straight in.
 */
export function LobbyPage({ onJoinReady }: LobbyPageProps) {
  const { t } = useTranslation();
  const token = useParams().token ?? '';
  const { loaded, replace } = useLoad(token, (signal) => loadInfo(token, signal));
  const data = loaded.status === 'ready' ? loaded.data : null;
  const missing =
    loaded.status === 'failed' && isApiError(loaded.error) && loaded.error.status === 404;
  useDocumentTitle(data?.info.name ?? (missing ? t('lobby.notFoundTitle') : undefined));

  // After a join answer says the window moved (opened, ended, cancelled): refresh in place,
  // keeping what the guest typed and their camera running.
  const refresh = useCallback(() => {
    loadInfo(token).then(replace, () => undefined);
  }, [token, replace]);

  if (loaded.status === 'loading') return <Loading />;
  if (missing) {
    return (
      <section className={styles.card} data-testid="join-not-found">
        <h1>{t('lobby.notFoundTitle')}</h1>
        <p>{t('lobby.notFoundBody')}</p>
      </section>
    );
  }
  if (!data) return <Alert>{errorText(t, loaded.status === 'failed' ? loaded.error : null)}</Alert>;
  const { info } = data;
  if (info.status === 'cancelled') {
    return (
      <section className={styles.card} data-testid="join-cancelled">
        <h1>{t('lobby.cancelledTitle')}</h1>
        <p>
          {t('lobby.cancelledBody', { name: info.name, organizer: info.organizer.displayName })}
        </p>
      </section>
    );
  }
  return <Lobby token={token} data={data} refresh={refresh} onJoinReady={onJoinReady} />;
}

interface LobbyProps extends LobbyPageProps {
  token: string;
  data: LoadedInfo;
  refresh: () => void;
}

function Lobby({ token, data, refresh, onJoinReady }: LobbyProps) {
  const timing = useJoinTiming(data.info, data.offsetMs);
  // A member joins at once, so the room's code is wanted at once; a guest's when Join works.
  const viewer = data.info.viewer;
  useAfterJoinReady(viewer !== null || timing.state === 'open', onJoinReady);
  if (viewer) {
    return (
      <Suspense fallback={<Loading />}>
        <MemberJoin token={token} info={data.info} viewer={viewer} timing={timing} />
      </Suspense>
    );
  }
  return <GuestLobby token={token} info={data.info} timing={timing} onStale={refresh} />;
}
