import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { JoinInfo } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { isApiError } from '../../lib/api-error.js';
import { Alert } from '../../ui/Alert.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import styles from './JoinPage.module.css';

/** The public page of a join link: what the meeting is, for anyone holding the link. */
export function JoinPage() {
  const { t } = useTranslation();
  const token = useParams().token ?? '';
  const { loaded } = useLoad(token, (signal) => api.joinInfo(token, signal));
  const info = loaded.status === 'ready' ? loaded.data : null;
  const missing =
    loaded.status === 'failed' && isApiError(loaded.error) && loaded.error.status === 404;
  useDocumentTitle(info?.name ?? (missing ? t('join.notFoundTitle') : undefined));

  if (loaded.status === 'loading') return <Loading />;
  if (missing) {
    return (
      <section className={styles.card} data-testid="join-not-found">
        <h1>{t('join.notFoundTitle')}</h1>
        <p>{t('join.notFoundBody')}</p>
      </section>
    );
  }
  if (!info) return <Alert>{errorText(t, loaded.status === 'failed' ? loaded.error : null)}</Alert>;
  if (info.status === 'cancelled') {
    return (
      <section className={styles.card} data-testid="join-cancelled">
        <h1>{t('join.cancelledTitle')}</h1>
        <p>{t('join.cancelledBody', { name: info.name, organizer: info.organizer.displayName })}</p>
      </section>
    );
  }
  return <Invitation info={info} />;
}

function Invitation({ info }: { info: JoinInfo }) {
  const { t, i18n } = useTranslation();
  const start = new Date(info.startsAt);
  const end = new Date(start.getTime() + info.durationMinutes * 60_000);
  const when = new Intl.DateTimeFormat(i18n.language, {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).formatRange(start, end);
  return (
    <section className={styles.card} data-testid="join-info">
      <p className={styles.eyebrow}>{t('join.title')}</p>
      <h1 className={styles.name}>{info.name}</h1>
      <p>{t('join.organizer', { name: info.organizer.displayName })}</p>
      <p>
        <strong>{t('join.when')}: </strong>
        {info.kind === 'quick' ? t('join.quickNow') : <time dateTime={info.startsAt}>{when}</time>}
      </p>
      {info.passwordRequired ? <p>{t('join.passwordNote')}</p> : null}
      <p className={styles.note}>{t('join.lobbySoon')}</p>
    </section>
  );
}
