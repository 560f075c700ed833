import { useTranslation } from '../../i18n/index.js';
import { CopyButton } from '../../ui/CopyButton.js';
import styles from './meetings.module.css';

/** The password's digits, for the organizer and admins to pass on, and a button to copy them. */
export function MeetingPassword({ password }: { password: string }) {
  const { t } = useTranslation();
  return (
    <div className={styles.password}>
      <p className={styles.digits} data-testid="meeting-password">
        {password}
      </p>
      <CopyButton text={password} label={t('meeting.copyPassword')} />
    </div>
  );
}
