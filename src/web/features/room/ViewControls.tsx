import { useTranslation } from 'react-i18next';
import roomStyles from './room.module.css';

interface ViewControlsProps {
  followSpeaker: boolean;
  onFollowSpeaker: (on: boolean) => void;
}

/** How this viewer's main area is chosen: the usual rule, or following the speaker. */
export function ViewControls({ followSpeaker, onFollowSpeaker }: ViewControlsProps) {
  const { t } = useTranslation();
  return (
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
  );
}
