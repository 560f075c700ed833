import { useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { useParams } from 'react-router';
import type { InviteeResponse, RsvpPage as RsvpFacts } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { AddToCalendar } from '../../ui/AddToCalendar.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { NotLoaded } from '../../ui/NotLoaded.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import styles from './rsvp.module.css';

const RESPONSES: InviteeResponse[] = ['yes', 'no', 'maybe'];

/**
 * An invitee's personal answer page (`/r/<token>` from their email or SMS): the meeting, and
 * Yes / No / Maybe, one click each, no account; the answer can be changed later.
 */
export function RsvpPage() {
  const { t } = useTranslation();
  const token = useParams().token ?? '';
  const { loaded, replace } = useLoad(token, (signal) => api.rsvp(token, signal));
  const [saving, setSaving] = useState<InviteeResponse | null>(null);
  const [saved, setSaved] = useState<InviteeResponse | null>(null);
  const [failure, setFailure] = useState('');
  useDocumentTitle(loaded.status === 'ready' ? loaded.data.meeting.name : t('rsvp.title'));

  if (loaded.status !== 'ready') {
    return (
      <div className={styles.card}>
        <NotLoaded loaded={loaded} back={null} notFound={t('rsvp.notFound')} />
      </div>
    );
  }
  const page = loaded.data;

  async function choose(response: InviteeResponse) {
    setSaving(response);
    setSaved(null);
    setFailure('');
    try {
      replace(await api.answer(token, response));
      setSaved(response);
    } catch (caught) {
      setFailure(errorText(t, caught));
    } finally {
      setSaving(null);
    }
  }

  return (
    <div className={styles.card} data-testid="rsvp">
      <Facts page={page} />
      {page.meeting.status === 'cancelled' ? (
        <p className={styles.cancelled} role="status">
          {t('rsvp.cancelled')}
        </p>
      ) : (
        <>
          <h2 id="rsvp-question" className={styles.question}>
            {t('rsvp.title')}
          </h2>
          <p className={styles.muted}>{t('rsvp.invitedAs', { invitee: page.invitee })}</p>
          <div role="group" aria-labelledby="rsvp-question" className={styles.buttons}>
            {RESPONSES.map((response) => (
              <button
                key={response}
                type="button"
                className={`${styles.answer} ${page.response === response ? styles.chosen : ''}`}
                aria-pressed={page.response === response}
                aria-disabled={saving !== null}
                data-response={response}
                onClick={() => {
                  if (saving === null) void choose(response);
                }}
              >
                {t(`rsvp.${response}`)}
              </button>
            ))}
          </div>
          <p className={styles.current} data-testid="rsvp-current">
            {page.response ? t(`rsvp.current_${page.response}`) : t('rsvp.none')}
          </p>
          <Alert>{failure}</Alert>
          <Notice>{saving ? t('rsvp.saving') : saved ? t(`rsvp.saved_${saved}`) : null}</Notice>
          <p>
            <a href={page.meeting.joinUrl}>{t('rsvp.join')}</a>
          </p>
          {page.calendar ? <AddToCalendar links={page.calendar} /> : null}
        </>
      )}
    </div>
  );
}

function Facts({ page }: { page: RsvpFacts }) {
  const { t, language } = useTranslation();
  const { meeting } = page;
  const start = new Date(meeting.startsAt);
  const end = new Date(start.getTime() + meeting.durationMinutes * 60_000);
  // In the meeting's zone, named: the invitee may be elsewhere, and the invitation said it so.
  const when = new Intl.DateTimeFormat(language, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: meeting.timeZone,
    timeZoneName: 'short',
  }).formatRange(start, end);
  return (
    <section aria-labelledby="rsvp-meeting">
      <p className={styles.muted}>{page.organization.name}</p>
      <h1 id="rsvp-meeting" className={styles.name}>
        {meeting.name}
      </h1>
      <p>{t('rsvp.organizer', { name: meeting.organizer.displayName })}</p>
      <p>
        <strong>{t('rsvp.when')}: </strong>
        <time dateTime={meeting.startsAt}>{when}</time> ({meeting.timeZone})
      </p>
    </section>
  );
}
