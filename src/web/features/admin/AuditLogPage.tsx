import { useEffect, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { useSearchParams } from 'react-router';
import { AUDIT_ACTIONS, type AuditAction } from '../../../shared/audit-actions.js';
import { api } from '../../lib/api.js';
import { formatDateTime } from '../../lib/date-time.js';
import { Button } from '../../ui/Button.js';
import { DataTable } from '../../ui/DataTable.js';
import { Field } from '../../ui/Field.js';
import { LoadFailure } from '../../ui/LoadFailure.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import styles from './admin.module.css';
import { actionText, actorText, detailsText, targetKindText } from './audit-text.js';

/** Typing pauses this long before the list is fetched again. */
const SEARCH_DEBOUNCE_MS = 300;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseAction(value: string | null): AuditAction | undefined {
  return AUDIT_ACTIONS.find((a) => a === value);
}

/** Start of a day (YYYY-MM-DD) in the viewer's own zone, as an ISO instant. */
function startOfDay(date: string): string | undefined {
  if (!DATE.test(date)) return undefined;
  const instant = new Date(`${date}T00:00:00`);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
}

type FilterName = 'action' | 'actor' | 'since' | 'page';

/** The URL's filters with one changed, back to the first page; empty values leave the URL. */
function withFilter(previous: URLSearchParams, name: FilterName, value: string) {
  const next = new URLSearchParams(previous);
  if (value) next.set(name, value);
  else next.delete(name);
  if (name !== 'page') next.delete('page');
  return next;
}

/** Admins: who did what and when, newest first; the filters and page are in the URL. */
export function AuditLogPage() {
  const { t, language } = useTranslation();
  useDocumentTitle(t('audit.title'));
  const [params, setParams] = useSearchParams();
  const action = parseAction(params.get('action'));
  const actor = params.get('actor') ?? '';
  const since = params.get('since') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

  const setFilter = (name: FilterName, value: string) =>
    setParams((previous) => withFilter(previous, name, value), { replace: true });

  const [actorInput, setActorInput] = useState(actor);
  useEffect(() => {
    const typed = actorInput.trim();
    if (typed === actor) return;
    const timer = window.setTimeout(
      () => setParams((previous) => withFilter(previous, 'actor', typed), { replace: true }),
      SEARCH_DEBOUNCE_MS,
    );
    return () => window.clearTimeout(timer);
  }, [actorInput, actor, setParams]);

  const filter = { page, action, actor, since: startOfDay(since) };
  const { loaded, reload } = useLoad(JSON.stringify(filter), (signal) =>
    api.auditLog(filter, signal),
  );
  const list = loaded.status === 'ready' ? loaded.data : null;
  const when = (iso: string) => formatDateTime(iso, language);

  return (
    <>
      <h1>{t('audit.title')}</h1>
      <p className={styles.intro}>{t('audit.intro')}</p>
      <div className={styles.toolbar}>
        <Field label={t('audit.action')}>
          {(control) => (
            <select
              {...control}
              name="action"
              data-testid="audit-action"
              value={action ?? ''}
              onChange={(event) => setFilter('action', event.target.value)}
            >
              <option value="">{t('audit.allActions')}</option>
              {AUDIT_ACTIONS.map((value) => (
                <option key={value} value={value}>
                  {actionText(t, value)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className={styles.search}>
          <Field label={t('audit.actor')} help={t('audit.actorHelp')}>
            {(control) => (
              <input
                {...control}
                type="search"
                name="actor"
                autoComplete="off"
                value={actorInput}
                onChange={(event) => setActorInput(event.target.value)}
              />
            )}
          </Field>
        </div>
        <Field label={t('audit.since')}>
          {(control) => (
            <input
              {...control}
              type="date"
              name="since"
              value={since}
              onChange={(event) => setFilter('since', event.target.value)}
            />
          )}
        </Field>
        <Button variant="secondary" onClick={reload}>
          {t('outbox.refresh')}
        </Button>
      </div>

      {loaded.status === 'loading' ? <Loading /> : null}
      {loaded.status === 'failed' ? <LoadFailure error={loaded.error} onRetry={reload} /> : null}
      {/* Always present, so the new page or filter result is announced. */}
      <p role="status" className={styles.muted}>
        {list
          ? list.entries.length === 0
            ? t('audit.empty')
            : t('audit.pageStatus', { page: list.page, count: list.entries.length })
          : null}
      </p>
      {list && list.entries.length > 0 ? (
        <DataTable caption={t('audit.tableLabel')}>
          <thead>
            <tr>
              <th scope="col">{t('audit.time')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.details')}</th>
              <th scope="col">{t('audit.source')}</th>
            </tr>
          </thead>
          <tbody>
            {list.entries.map((entry) => (
              <tr key={entry.id} data-testid="audit-row" data-action={entry.action}>
                <td className={styles.created}>
                  <time dateTime={entry.at}>{when(entry.at)}</time>
                  {entry.count > 1 && entry.lastAt !== entry.at ? (
                    <>
                      {' – '}
                      <time dateTime={entry.lastAt}>{when(entry.lastAt)}</time>
                    </>
                  ) : null}
                </td>
                <td className={styles.title}>{actorText(t, entry)}</td>
                <th scope="row">{actionText(t, entry.action)}</th>
                <td className={styles.title}>
                  {entry.target ? (
                    <>
                      <span className={styles.muted}>{targetKindText(t, entry.target.kind)}: </span>
                      {entry.target.label}
                    </>
                  ) : null}
                </td>
                <td className={styles.summary}>{detailsText(t, entry)}</td>
                <td className={styles.nowrap}>{entry.source ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      ) : null}
      {list && (list.page > 1 || list.hasMore) ? (
        <nav className={styles.pager} aria-label={t('audit.pages')}>
          <Button
            variant="secondary"
            disabled={list.page <= 1}
            onClick={() => setFilter('page', String(list.page - 1))}
          >
            {t('audit.previous')}
          </Button>
          <span>{t('audit.page', { page: list.page })}</span>
          <Button
            variant="secondary"
            disabled={!list.hasMore}
            onClick={() => setFilter('page', String(list.page + 1))}
          >
            {t('audit.next')}
          </Button>
        </nav>
      ) : null}
    </>
  );
}
