import { lazy, Suspense, useCallback, useState } from 'react';
import { loadAllTexts, useTranslation } from '../../i18n/index.js';
import type { JoinInfo, JoinState } from '../../../shared/api.js';
import { relativeParts, type JoinTiming } from '../../lib/join-timing.js';
import { Notice } from '../../ui/Alert.js';
import styles from './lobby.module.css';
import { useAfterJoinReady } from './use-after-join-ready.js';

/** Not needed to join: its code and texts (the rest part) come once the page is idle. */
const LobbyCalendar = lazy(async () => {
  const [module] = await Promise.all([import('./LobbyCalendar.js'), loadAllTexts()]);
  return { default: module.LobbyCalendar };
});

/**
 * What the meeting is and where its join window stands. The relative time refreshes quietly;
 * only the window opening or closing is announced.
 */
export function MeetingSummary({ info, timing }: { info: JoinInfo; timing: JoinTiming }) {
  const { t, language } = useTranslation();
  const locale = language;
  const [calendarShown, setCalendarShown] = useState(false);
  useAfterJoinReady(
    true,
    useCallback(() => setCalendarShown(true), []),
  );
  const start = new Date(info.startsAt);
  const end = new Date(start.getTime() + info.durationMinutes * 60_000);
  const when = new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).formatRange(start, end);

  return (
    <section className={styles.summary} data-testid="join-info" aria-labelledby="meeting-name">
      <Organization organization={info.organization} />
      <p className={styles.eyebrow}>{t('lobby.title')}</p>
      <h1 id="meeting-name" className={styles.name}>
        {info.name}
      </h1>
      <p className={styles.fact}>{t('lobby.organizer', { name: info.organizer.displayName })}</p>
      <p className={styles.fact}>
        <strong>{t('lobby.when')}: </strong>
        <time dateTime={info.startsAt}>{when}</time>
      </p>
      <p
        className={`${styles.state} ${styles[timing.state] ?? ''}`}
        data-testid="join-state"
        data-state={timing.state}
      >
        {stateText(t, timing, locale)}
      </p>
      {timing.state === 'not_open_yet' ? (
        <p className={styles.fact} data-testid="join-opens">
          {opensText(t, timing, info.opensAt, locale)}
        </p>
      ) : null}
      {timing.state === 'ended' ? <p className={styles.fact}>{t('lobby.endedBody')}</p> : null}
      {info.kind === 'scheduled' && timing.state !== 'ended' && timing.state !== 'cancelled' ? (
        calendarShown ? (
          <Suspense fallback={null}>
            <LobbyCalendar info={info} />
          </Suspense>
        ) : null
      ) : null}
      <StateAnnouncer state={timing.state} />
    </section>
  );
}

/** Who hosts the meeting (admin settings): its logo, whose text alternative is its name. */
function Organization({ organization }: { organization: JoinInfo['organization'] }) {
  return (
    <p className={styles.organization} data-testid="join-organization">
      {organization.logoUrl ? (
        <img
          className={styles.organizationLogo}
          src={organization.logoUrl}
          width={180}
          height={60}
          alt={organization.name}
        />
      ) : (
        organization.name
      )}
    </p>
  );
}

type T = ReturnType<typeof useTranslation>['t'];

function stateText(t: T, timing: JoinTiming, locale: string): string {
  switch (timing.state) {
    case 'cancelled':
      return t('lobby.status_cancelled');
    case 'ended':
      return t('lobby.status_ended');
    default: {
      if (timing.started) return t('lobby.status_inProgress');
      const { value, unit } = relativeParts(timing.startsInMs);
      const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(value, unit);
      return t('lobby.status_startsIn', { relative });
    }
  }
}

function opensText(t: T, timing: JoinTiming, opensAt: string, locale: string): string {
  const opens = new Date(opensAt);
  // The time alone when it opens today (on the server's clock); with the day otherwise.
  const now = new Date(opens.getTime() - timing.opensInMs);
  const sameDay = opens.toDateString() === now.toDateString();
  const time = new Intl.DateTimeFormat(locale, {
    ...(sameDay ? {} : { weekday: 'short', month: 'short', day: 'numeric' }),
    hour: 'numeric',
    minute: '2-digit',
  }).format(opens);
  const count = timing.opensBeforeStartMinutes;
  return count > 0 ? t('lobby.opensAt', { count, time }) : t('lobby.opensAtStart', { time });
}

/** Says "you can join now" or "it has ended" when the state changes while the page is open. */
function StateAnnouncer({ state }: { state: JoinState }) {
  const { t } = useTranslation();
  const [seen, setSeen] = useState(state);
  const [message, setMessage] = useState('');
  if (seen !== state) {
    setSeen(state);
    setMessage(
      state === 'open' ? t('lobby.nowOpen') : state === 'ended' ? t('lobby.nowEnded') : '',
    );
  }
  return <Notice>{message}</Notice>;
}
