import { useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { Me } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { CopyButton } from '../../ui/CopyButton.js';
import { LoadFailure } from '../../ui/LoadFailure.js';
import { Loading } from '../../ui/Loading.js';
import { useLoad } from '../../ui/use-load.js';
import styles from './account.module.css';

/** The member's calendar feed (copy, rotate) and whether they get an email on answers. */
export function CalendarSettings() {
  const { t } = useTranslation();
  const { loaded, replace, reload } = useLoad('me', (signal) => api.me(signal));
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const [failure, setFailure] = useState('');

  if (loaded.status === 'loading') return <Loading />;
  if (loaded.status === 'failed') return <LoadFailure error={loaded.error} onRetry={reload} />;
  const me = loaded.data;

  async function change(action: () => Promise<Me>, done: string) {
    setBusy(true);
    setNotice('');
    setFailure('');
    try {
      replace(await action());
      setNotice(done);
    } catch (caught) {
      setFailure(errorText(t, caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className={styles.card} aria-labelledby="calendar-settings">
      <h2 id="calendar-settings">{t('calendarSettings.title')}</h2>
      <Alert>{failure}</Alert>
      <p>
        <label>
          <input
            type="checkbox"
            name="notifyOnAnswers"
            checked={me.notifyOnAnswers}
            disabled={busy}
            onChange={(event) => {
              const notifyOnAnswers = event.target.checked;
              void change(() => api.updateMe({ notifyOnAnswers }), t('calendarSettings.saved'));
            }}
          />{' '}
          {t('calendarSettings.notify')}
        </label>
      </p>
      <label htmlFor="calendar-feed-url">{t('calendarSettings.feedLabel')}</label>
      <p id="calendar-feed-help">{t('calendarSettings.feedHelp')}</p>
      <input
        id="calendar-feed-url"
        type="text"
        readOnly
        value={me.calendarFeedUrl}
        aria-describedby="calendar-feed-help"
        data-testid="calendar-feed-url"
        onFocus={(event) => event.target.select()}
      />
      <p>
        <CopyButton text={me.calendarFeedUrl} label={t('calendarSettings.copyFeed')} />{' '}
        <Button
          variant="secondary"
          disabled={busy}
          onClick={() => {
            if (window.confirm(t('calendarSettings.rotateConfirm'))) {
              void change(() => api.rotateCalendarFeed(), t('calendarSettings.rotated'));
            }
          }}
        >
          {busy ? t('calendarSettings.rotating') : t('calendarSettings.rotate')}
        </Button>
      </p>
      <Notice>{notice}</Notice>
    </section>
  );
}
