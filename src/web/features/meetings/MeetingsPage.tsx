import { useRef, type KeyboardEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { useNavigate, useSearchParams } from 'react-router';
import { api, type MeetingScope } from '../../lib/api.js';
import { Button } from '../../ui/Button.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { LoadMore } from '../../ui/LoadMore.js';
import { usePagedList } from '../../ui/use-paged-list.js';
import { MeetingRow } from './MeetingRow.js';
import styles from './meetings.module.css';
import { QuickConference } from './QuickConference.js';
import { LoadFailure } from '../../ui/LoadFailure.js';

const SCOPES: MeetingScope[] = ['upcoming', 'past'];

/** The Meetings tab: upcoming and past meetings, and the ways to create one. */
export function MeetingsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('meetings.title'));
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const scope: MeetingScope = params.get('scope') === 'past' ? 'past' : 'upcoming';
  const { loaded, more, loadMore, reload } = usePagedList(scope, async (cursor, signal) => {
    const page = await api.listMeetings(scope, cursor, signal);
    return { items: page.meetings, nextCursor: page.nextCursor };
  });
  const tabs = useRef<Array<HTMLButtonElement | null>>([]);

  function select(next: MeetingScope) {
    setParams(next === 'upcoming' ? {} : { scope: next }, { replace: true });
  }

  // Tabs pattern (WAI-ARIA APG): arrow keys move between tabs, Tab goes into the panel.
  function onTabKey(event: KeyboardEvent<HTMLButtonElement>) {
    const index = SCOPES.indexOf(scope);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const nextIndex = (index + step + SCOPES.length) % SCOPES.length;
    const next = SCOPES[nextIndex] ?? 'upcoming';
    select(next);
    tabs.current[nextIndex]?.focus();
  }

  return (
    <>
      <div className={styles.header}>
        <h1 className={styles.headerTitle}>{t('meetings.title')}</h1>
        <Button onClick={() => void navigate('/meetings/new')}>{t('meetings.newMeeting')}</Button>
        <QuickConference onCreated={() => scope === 'upcoming' && reload()} />
      </div>
      <div role="tablist" aria-label={t('meetings.show')} className={styles.tabs}>
        {SCOPES.map((tab, index) => (
          <button
            key={tab}
            ref={(element) => {
              tabs.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`tab-${tab}`}
            aria-controls="meetings-panel"
            aria-selected={tab === scope}
            tabIndex={tab === scope ? 0 : -1}
            className={styles.tab}
            onClick={() => select(tab)}
            onKeyDown={onTabKey}
          >
            {t(`meetings.${tab}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="meetings-panel" aria-labelledby={`tab-${scope}`} tabIndex={0}>
        {loaded.status === 'loading' ? <Loading /> : null}
        {loaded.status === 'failed' ? <LoadFailure error={loaded.error} onRetry={reload} /> : null}
        {loaded.status === 'ready' && loaded.data.items.length === 0 ? (
          <p className={styles.empty}>
            {scope === 'upcoming' ? t('meetings.emptyUpcoming') : t('meetings.emptyPast')}
          </p>
        ) : null}
        {loaded.status === 'ready' && loaded.data.items.length > 0 ? (
          <>
            <ul className={styles.list}>
              {loaded.data.items.map((meeting) => (
                <MeetingRow key={meeting.id} meeting={meeting} />
              ))}
            </ul>
            <LoadMore
              shownText={t(loaded.data.hasMore ? 'meetings.shownSome' : 'meetings.shownAll', {
                count: loaded.data.items.length,
              })}
              hasMore={loaded.data.hasMore}
              more={more}
              onMore={() => void loadMore()}
              label={t('meetings.loadMore')}
            />
          </>
        ) : null}
      </div>
    </>
  );
}
