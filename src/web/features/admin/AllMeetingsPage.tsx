import { useEffect, useRef, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { Link, useSearchParams } from 'react-router';
import type { AdminMeetingsFilter, Meeting } from '../../../shared/api.js';
import { api } from '../../lib/api.js';
import { formatMeetingWhen, hasEnded } from '../../lib/meeting-format.js';
import { DataTable } from '../../ui/DataTable.js';
import { Field } from '../../ui/Field.js';
import { Loading } from '../../ui/Loading.js';
import { LockIcon } from '../../ui/LockIcon.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { LoadMore } from '../../ui/LoadMore.js';
import { usePagedList } from '../../ui/use-paged-list.js';
import styles from './admin.module.css';
import { LoadFailure } from '../../ui/LoadFailure.js';

/** Typing pauses this long before the address (and so the list) changes. */
const SEARCH_DEBOUNCE_MS = 300;

const FILTERS = [
  'upcoming',
  'past',
  'cancelled',
  'protected',
] as const satisfies readonly AdminMeetingsFilter[];

/** A `?filter=` value from the address bar; `upcoming` when missing or unknown. */
function parseFilter(value: string | null): AdminMeetingsFilter {
  return FILTERS.find((filter) => filter === value) ?? 'upcoming';
}

/**
 * Admins: every meeting of the organization, by filter and search; both are in the URL, so a
 * filtered list can be shared, reloaded and reached again with Back.
 */
export function AllMeetingsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('adminMeetings.title'));
  const [params, setParams] = useSearchParams();
  const filter = parseFilter(params.get('filter'));
  const query = params.get('q')?.trim() ?? '';
  const search = useDebouncedSearch(query, (next) =>
    setParams(
      (current) => {
        const changed = new URLSearchParams(current);
        if (next) changed.set('q', next);
        else changed.delete('q');
        return changed;
      },
      { replace: true },
    ),
  );
  const { loaded, more, loadMore, reload } = usePagedList(
    `admin-meetings:${filter}:${query}`,
    async (cursor, signal) => {
      const page = await api.listAllMeetings(filter, query, cursor, signal);
      return { items: page.meetings, nextCursor: page.nextCursor };
    },
  );
  const meetings = loaded.status === 'ready' ? loaded.data.items : [];
  const hasMore = loaded.status === 'ready' && loaded.data.hasMore;

  const choose = (value: string) =>
    setParams(
      (current) => {
        const changed = new URLSearchParams(current);
        changed.set('filter', parseFilter(value));
        return changed;
      },
      { replace: true },
    );

  return (
    <>
      <h1>{t('adminMeetings.title')}</h1>
      <p className={styles.intro}>{t('adminMeetings.intro')}</p>
      <div className={styles.toolbar}>
        <Field label={t('adminMeetings.show')}>
          {(control) => (
            <select
              {...control}
              name="filter"
              data-testid="admin-meetings-filter"
              value={filter}
              onChange={(event) => choose(event.target.value)}
            >
              {FILTERS.map((value) => (
                <option key={value} value={value}>
                  {t(`adminMeetings.filter_${value}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className={styles.search}>
          <Field label={t('adminMeetings.search')} help={t('adminMeetings.searchHelp')}>
            {(control) => (
              <input
                {...control}
                type="search"
                name="q"
                autoComplete="off"
                data-testid="admin-meetings-search"
                value={search.value}
                onChange={(event) => search.change(event.target.value)}
              />
            )}
          </Field>
        </div>
      </div>

      {/* Always present, so a new count after a filter or search change is announced. */}
      <p role="status" className={styles.muted} data-testid="list-count">
        {loaded.status === 'ready'
          ? t(hasMore ? 'adminMeetings.countSome' : 'adminMeetings.count', {
              count: meetings.length,
            })
          : null}
      </p>
      {loaded.status === 'loading' ? <Loading /> : null}
      {loaded.status === 'failed' ? <LoadFailure error={loaded.error} onRetry={reload} /> : null}
      {loaded.status === 'ready' && meetings.length === 0 ? (
        <p className={styles.muted}>
          {query ? t('adminMeetings.noMatch', { query }) : t(`adminMeetings.empty_${filter}`)}
        </p>
      ) : null}
      {meetings.length > 0 ? <MeetingsTable meetings={meetings} /> : null}
      {meetings.length > 0 ? (
        // The count is the status line above the table; it changes with each page too.
        <LoadMore
          hasMore={hasMore}
          more={more}
          onMore={() => void loadMore()}
          label={t('adminMeetings.loadMore')}
        />
      ) : null}
    </>
  );
}

/**
 * The search box's text, following the address when it changes from outside (Back, a link) and
 * handing typed text to `commit` once typing pauses.
 */
function useDebouncedSearch(committed: string, commit: (text: string) => void) {
  const [value, setValue] = useState(committed);
  const [seen, setSeen] = useState(committed);
  if (seen !== committed) {
    setSeen(committed);
    if (value.trim() !== committed) setValue(committed);
  }
  const commitRef = useRef(commit);
  useEffect(() => {
    commitRef.current = commit;
  });
  useEffect(() => {
    const next = value.trim();
    if (next === committed) return;
    const timer = window.setTimeout(() => commitRef.current(next), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [value, committed]);
  return { value, change: setValue };
}

function MeetingsTable({ meetings }: { meetings: Meeting[] }) {
  const { t, language } = useTranslation();
  return (
    <DataTable caption={t('adminMeetings.tableLabel')}>
      <thead>
        <tr>
          <th scope="col">{t('adminMeetings.name')}</th>
          <th scope="col">{t('adminMeetings.organizer')}</th>
          <th scope="col">{t('adminMeetings.when')}</th>
          <th scope="col">{t('adminMeetings.participants')}</th>
          <th scope="col">{t('adminMeetings.status')}</th>
        </tr>
      </thead>
      <tbody>
        {meetings.map((meeting) => (
          <tr key={meeting.id} data-testid="admin-meeting-row" data-meeting-id={meeting.id}>
            <th scope="row" className={styles.meetingName}>
              <Link to={`/meetings/${encodeURIComponent(meeting.id)}`}>{meeting.name}</Link>
              {meeting.passwordProtected ? (
                <LockIcon
                  label={t('adminMeetings.passwordProtected')}
                  className={styles.lock}
                  data-testid="password-lock"
                />
              ) : null}
            </th>
            <td>{meeting.organizer.displayName}</td>
            <td className={styles.when}>
              <time dateTime={meeting.startsAt}>{formatMeetingWhen(meeting, language, t)}</time>
            </td>
            <td>{meeting.participants.length}</td>
            <td>
              {meeting.status === 'cancelled' ? (
                <span className={styles.badgeCancelled}>{t('adminMeetings.cancelled')}</span>
              ) : hasEnded(meeting) ? (
                t('adminMeetings.ended')
              ) : (
                t('adminMeetings.scheduled')
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
