import { useTranslation } from '../../i18n/index.js';
import { Button } from '../../ui/Button.js';
import { VideoView } from './VideoView.js';
import styles from './hosts.module.css';

interface WaitingRoomProps {
  meetingName: string;
  hostPresent: boolean;
  camera: MediaStream | null;
  onLeave: () => void;
}

/** A guest waits here until a host lets them in; they enter with no further click. */
export function WaitingRoom({ meetingName, hostPresent, camera, onLeave }: WaitingRoomProps) {
  const { t } = useTranslation();
  return (
    <section className={styles.waiting} data-testid="room-waiting" aria-labelledby="waiting-title">
      <h1 id="waiting-title">{t('hosts.waitingTitle', { name: meetingName })}</h1>
      <p role="status" aria-live="polite" data-testid="room-waiting-status">
        {t(hostPresent ? 'hosts.waitingHostPresent' : 'hosts.waitingNoHost')}
      </p>
      {camera && <VideoView stream={camera} className={styles.preview} mirrored />}
      <Button variant="secondary" onClick={onLeave} data-testid="room-waiting-leave">
        {t('hosts.waitingLeave')}
      </Button>
    </section>
  );
}
