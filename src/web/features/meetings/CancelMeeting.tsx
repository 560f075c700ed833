import { useEffect, useRef, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { Meeting } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import styles from './meetings.module.css';

/** "Cancel meeting", then an explicit confirmation, since invitees are notified at once. */
export function CancelMeeting({
  meeting,
  onCancelled,
}: {
  meeting: Meeting;
  onCancelled: (meeting: Meeting) => void;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState('');
  const opener = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  // "Keep meeting" disappears when pressed; put the keyboard back on the button that opened it.
  useEffect(() => {
    if (!confirming && returnFocus.current) {
      returnFocus.current = false;
      opener.current?.focus();
    }
  }, [confirming]);

  async function cancel() {
    setBusy(true);
    setFailure('');
    try {
      onCancelled(await api.cancelMeeting(meeting.id));
    } catch (error) {
      setFailure(errorText(t, error));
      setBusy(false);
    }
  }

  if (!confirming) {
    return (
      <Button ref={opener} variant="danger" onClick={() => setConfirming(true)}>
        {t('meeting.cancelMeeting')}
      </Button>
    );
  }
  const keep = () => {
    returnFocus.current = true;
    setConfirming(false);
  };
  return (
    <div
      role="alertdialog"
      aria-labelledby="confirm-cancel-text"
      className={styles.confirm}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) keep();
      }}
    >
      <p id="confirm-cancel-text">{t('meeting.confirmCancel', { name: meeting.name })}</p>
      <Alert>{failure}</Alert>
      <div className={styles.actions}>
        <Button variant="danger" onClick={() => void cancel()} disabled={busy}>
          {busy ? t('meeting.cancelling') : t('meeting.confirmCancelYes')}
        </Button>
        {/* Focus starts on the harmless choice, as the APG alert dialog pattern advises. */}
        <Button variant="quiet" onClick={keep} disabled={busy} autoFocus>
          {t('meeting.confirmCancelNo')}
        </Button>
      </div>
    </div>
  );
}
