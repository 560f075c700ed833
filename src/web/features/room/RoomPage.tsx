import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useParams } from 'react-router';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { isApiError } from '../../lib/api-error.js';
import { devicesOfKind } from '../../lib/media-devices.js';
import { loadMediaPreferences, saveMediaPreferences } from '../../lib/media-preferences.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Avatar } from '../../ui/Avatar.js';
import { DeviceSelect } from '../../ui/DeviceSelect.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import { useMediaDevices } from '../../ui/use-media-devices.js';
import styles from './room.module.css';

/**
 * `/m/:token/room`, a placeholder until the real room: it confirms who the server let in, under
 * which name and picture. Without a guest or member session it sends the visitor to the lobby.
 */
export function RoomPage() {
  const { t } = useTranslation();
  const token = useParams().token ?? '';
  const { loaded } = useLoad(token, (signal) => api.joinSession(token, signal));
  const session = loaded.status === 'ready' ? loaded.data : null;
  useDocumentTitle(session?.meeting.name);
  const lobbyPath = `/m/${encodeURIComponent(token)}`;

  if (loaded.status === 'loading') return <Loading />;
  if (loaded.status === 'failed') {
    if (isApiError(loaded.error) && loaded.error.status === 401) {
      return <Navigate to={lobbyPath} replace />;
    }
    return (
      <section className={styles.card}>
        <Alert>{errorText(t, loaded.error)}</Alert>
        <Link to={lobbyPath}>{t('room.leave')}</Link>
      </section>
    );
  }
  if (!session) return null;
  return (
    <section className={styles.card} data-testid="room" aria-labelledby="room-title">
      <h1 id="room-title" className={styles.title}>
        {t('room.title', { name: session.meeting.name })}
      </h1>
      <p className={styles.label}>{t('room.you')}</p>
      <div className={styles.self} data-testid="room-self" data-kind={session.kind}>
        <Avatar name={session.displayName} url={session.avatarUrl} size="large" />
        <span className={styles.selfName}>{session.displayName}</span>
      </div>
      <p className={styles.note}>{t('room.videoLater')}</p>
      <DeviceSettings token={token} />
      {/* A member back in the lobby would be let straight in again: their way out is their list. */}
      <Link to={session.kind === 'member' ? '/meetings' : lobbyPath} data-testid="room-leave">
        {t('room.leave')}
      </Link>
    </section>
  );
}

function DeviceSettings({ token }: { token: string }) {
  const { t } = useTranslation();
  const devices = useMediaDevices();
  const [preferences, setPreferences] = useState(() => loadMediaPreferences(token));
  const [saved, setSaved] = useState(false);

  function change(changes: Partial<typeof preferences>) {
    const next = { ...preferences, ...changes };
    setPreferences(next);
    saveMediaPreferences(token, next);
    setSaved(true);
  }

  return (
    <section className={styles.settings} aria-labelledby="device-settings-title">
      <h2 id="device-settings-title">{t('room.deviceSettings')}</h2>
      <DeviceSelect
        label={t('media.camera')}
        devices={devicesOfKind(devices, 'videoinput', (n) => t('media.cameraN', { n }))}
        value={preferences.cameraId}
        onChange={(cameraId) => change({ cameraId })}
        noneLabel={t('media.noCamera')}
        testId="room-camera-select"
      />
      <DeviceSelect
        label={t('media.microphone')}
        devices={devicesOfKind(devices, 'audioinput', (n) => t('media.microphoneN', { n }))}
        value={preferences.microphoneId}
        onChange={(microphoneId) => change({ microphoneId })}
        noneLabel={t('media.noMicrophone')}
        testId="room-microphone-select"
      />
      <Notice>{saved ? t('room.saved') : ''}</Notice>
    </section>
  );
}
