import { useTranslation } from '../../i18n/index.js';
import { Link } from 'react-router';
import type { SignalingErrorCode } from '../../../shared/signaling.js';
import { Button, buttonClassName } from '../../ui/Button.js';
import type { RoomStatus } from './room-session.js';
import styles from './room.module.css';

interface RoomClosedProps {
  status: RoomStatus;
  because: SignalingErrorCode | 'upgrade' | null;
  /** The host who removed, turned away or ended, when one did. */
  by: string | null;
  lobbyPath: string;
  /** Where a member goes instead of the lobby (which would let them straight back in). */
  homePath: string | null;
  onRetry: () => void;
}

/** The room is not (or no longer) open to this page: full, over, left, or opened elsewhere. */
export function RoomClosed(props: RoomClosedProps) {
  const { status, because, by, lobbyPath, homePath, onRetry } = props;
  const { t } = useTranslation();
  const key =
    status === 'full'
      ? 'full'
      : status === 'left'
        ? 'left'
        : because === 'REPLACED'
          ? 'replaced'
          : because === 'MEETING_NOT_OPEN'
            ? 'over'
            : because && because in HOST_CLOSES
              ? HOST_CLOSES[because as keyof typeof HOST_CLOSES]
              : 'lost';
  // Removed, turned away, ended: coming back is not this page's to offer.
  const final = key === 'over' || key === 'removed' || key === 'denied' || key === 'ended';
  return (
    <section className={styles.closed} data-testid={`room-${key}`} aria-labelledby="closed-title">
      <h1 id="closed-title">{t(`room.closed_${key}_title`)}</h1>
      <p role="status">{t(`room.closed_${key}_text`, { name: by ?? t('hosts.aHost') })}</p>
      <div className={styles.closedActions}>
        {!final && (
          <Button onClick={onRetry} data-testid="room-rejoin">
            {key === 'full' ? t('room.tryAgain') : t('room.rejoin')}
          </Button>
        )}
        <Link className={buttonClassName('secondary')} to={homePath ?? lobbyPath}>
          {homePath ? t('room.backToMeetings') : t('room.backToLobby')}
        </Link>
      </div>
    </section>
  );
}

/** Closes a host caused, and the page each shows. */
const HOST_CLOSES = {
  REMOVED: 'removed',
  ADMISSION_DENIED: 'denied',
  MEETING_LOCKED: 'locked',
  MEETING_ENDED: 'ended',
} as const;
