import { useTranslation } from '../../i18n/index.js';
import roomStyles from './room.module.css';

interface ViewControlsProps {
  followSpeaker: boolean;
  onFollowSpeaker: (on: boolean) => void;
  grid: boolean;
  onGrid: (on: boolean) => void;
}

/** How this viewer sees the room: a grid of equal tiles or a main video, chosen how. */
export function ViewControls({ followSpeaker, onFollowSpeaker, grid, onGrid }: ViewControlsProps) {
  const { t } = useTranslation();
  return (
    <>
      <button
        type="button"
        className={`${roomStyles.control} ${grid ? roomStyles.controlOn : ''}`}
        aria-pressed={grid}
        onClick={() => onGrid(!grid)}
        data-testid="room-grid"
      >
        <span aria-hidden="true">▦</span>
        <span className={roomStyles.controlLabel}>{t('gestures.grid')}</span>
      </button>
      <button
        type="button"
        className={`${roomStyles.control} ${followSpeaker ? roomStyles.controlOn : ''}`}
        aria-pressed={followSpeaker}
        onClick={() => onFollowSpeaker(!followSpeaker)}
        data-testid="room-follow-speaker"
      >
        <span aria-hidden="true">🗣</span>
        <span className={roomStyles.controlLabel}>{t('gestures.followSpeaker')}</span>
      </button>
    </>
  );
}
