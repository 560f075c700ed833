import { useId, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { Link } from 'react-router';
import type { Meeting } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { useMember } from '../../session/session-context.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { CopyButton } from '../../ui/CopyButton.js';
import { MeetingPassword } from './MeetingPassword.js';
import styles from './meetings.module.css';

/**
 * The "Quick conference" button (for admins, with a "with password" box next to it) and, once
 * created, the panel with its link and password to share.
 */
export function QuickConference({ onCreated }: { onCreated: (meeting: Meeting) => void }) {
  const { t } = useTranslation();
  const isAdmin = useMember().role === 'admin';
  const headingId = useId();
  const [withPassword, setWithPassword] = useState(false);
  const [meeting, setMeeting] = useState<Meeting | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');

  async function start() {
    setBusy(true);
    setFailure('');
    try {
      const created = await api.createQuickMeeting({
        name: t('meetings.quickName'),
        // The server generates the password; only admins may ask for one.
        ...(isAdmin && withPassword ? { passwordProtected: true } : {}),
      });
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
      <span className={styles.quickStart}>
        <Button variant="secondary" onClick={() => void start()} disabled={busy}>
          {busy ? t('meetings.creatingQuick') : t('meetings.quickConference')}
        </Button>
        {isAdmin ? (
          <label className={styles.check}>
            <input
              type="checkbox"
              name="quickWithPassword"
              checked={withPassword}
              onChange={(event) => setWithPassword(event.target.checked)}
            />
            <span>{t('meetings.withPassword')}</span>
          </label>
        ) : null}
      </span>
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
              {meeting.password !== null ? (
                <>
                  <h3 className={styles.quickPasswordTitle}>{t('meeting.password')}</h3>
                  <MeetingPassword password={meeting.password} />
                </>
              ) : null}
            </section>
          ) : null}
        </div>
      </div>
    </>
  );
}
