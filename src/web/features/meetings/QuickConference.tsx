import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Meeting } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { CopyButton } from '../../ui/CopyButton.js';
import styles from './meetings.module.css';

/** The "Quick conference" button and, once created, the panel with its link to share. */
export function QuickConference({ onCreated }: { onCreated: (meeting: Meeting) => void }) {
  const { t } = useTranslation();
  const headingId = useId();
  const [meeting, setMeeting] = useState<Meeting | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');

  async function start() {
    setBusy(true);
    setFailure('');
    try {
      const created = await api.createQuickMeeting(t('meetings.quickName'));
      setMeeting(created);
      onCreated(created);
    } catch (error) {
      setFailure(errorText(t, error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button variant="secondary" onClick={() => void start()} disabled={busy}>
        {busy ? t('meetings.creatingQuick') : t('meetings.quickConference')}
      </Button>
      <div className={styles.fullWidth}>
        <Alert>{failure}</Alert>
        <div role="status">
          {meeting ? (
            <section
              className={styles.quickPanel}
              aria-labelledby={headingId}
              data-testid="quick-conference"
            >
              <h2 id={headingId} className={styles.quickTitle}>
                {t('meetings.quickReady')}
              </h2>
              <p className={styles.link} data-testid="join-link">
                {meeting.joinUrl}
              </p>
              <div className={styles.actions}>
                <CopyButton text={meeting.joinUrl} variant="primary" />
                <Link to={`/meetings/${meeting.id}`}>{t('meetings.openMeeting')}</Link>
                <Button variant="quiet" onClick={() => setMeeting(null)}>
                  {t('meetings.dismiss')}
                </Button>
              </div>
            </section>
          ) : null}
        </div>
      </div>
    </>
  );
}
