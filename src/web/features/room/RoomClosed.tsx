import { useTranslation } from '../../i18n/index.js';
import { Link } from 'react-router';
import type { SignalingErrorCode } from '../../../shared/signaling.js';
import { Button, buttonClassName } from '../../ui/Button.js';
import type { RoomStatus } from './room-session.js';
import styles from './room.module.css';

interface RoomClosedProps {
  status: RoomStatus;
  because: SignalingErrorCode | 'upgrade' | null;
  lobbyPath: string;
  /** Where a member goes instead of the lobby (which would let them straight back in). */
  homePath: string | null;
  onRetry: () => void;
}

/** The room is not (or no longer) open to this page: full, over, left, or opened elsewhere. */
export function RoomClosed({ status, because, lobbyPath, homePath, onRetry }: RoomClosedProps) {
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
            : 'lost';
  return (
    <section className={styles.closed} data-testid={`room-${key}`} aria-labelledby="closed-title">
      <h1 id="closed-title">{t(`room.closed_${key}_title`)}</h1>
      <p>{t(`room.closed_${key}_text`)}</p>
      <div className={styles.closedActions}>
        {key !== 'over' && (
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
