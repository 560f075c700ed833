import { useTranslation } from '../../i18n/index.js';
import type { Moderation } from '../../../shared/signaling.js';
import styles from './hosts.module.css';

interface ModerationNoticeProps {
  moderation: { action: Moderation; by: string };
  onDismiss: () => void;
}

/** "Ana muted you": what a host did to this person, and by whom; they may turn it on again. */
export function ModerationNotice({ moderation, onDismiss }: ModerationNoticeProps) {
  const { t } = useTranslation();
  return (
    <p className={styles.moderation} role="alert" data-testid="room-moderation">
      <span>{t(`hosts.moderated_${moderation.action}`, { name: moderation.by })}</span>
      <button type="button" onClick={onDismiss}>
        {t('hosts.dismiss')}
      </button>
    </p>
  );
}
