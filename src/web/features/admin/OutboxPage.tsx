import { useRef, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { Link, useSearchParams } from 'react-router';
import { channelText, deliveryStatusLabel } from '../../i18n/delivery-text.js';
import { errorText } from '../../i18n/error-text.js';
import type { OutboxItem } from '../../../shared/api.js';
import { api } from '../../lib/api.js';
import { formatDateTime } from '../../lib/date-time.js';
import { DELIVERY_STATUSES, deliveryState, parseDeliveryStatus } from '../../lib/delivery-state.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { DataTable } from '../../ui/DataTable.js';
import { DeliveryBadge } from '../../ui/DeliveryBadge.js';
import { Field } from '../../ui/Field.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import styles from './admin.module.css';

/** Admins: every message the server prepared, filtered by delivery state; the filter is in the URL. */
export function OutboxPage() {
  const { t, language } = useTranslation();
  /** Why a message is where it is: its last error, a skipped reminder, or when one is due. */
  const reasonText = (item: OutboxItem) => {
    if (item.status === 'skipped') return t('delivery.skipped');
    if (item.lastError) return item.lastError;
    if (item.status === 'queued' && item.notBefore) {
      return t('outbox.dueAt', { time: formatDateTime(item.notBefore, language) });
    }
    return '';
  };
  useDocumentTitle(t('outbox.title'));
  const [params, setParams] = useSearchParams();
  const status = parseDeliveryStatus(params.get('status'));
  const { loaded, reload } = useLoad(`outbox:${status ?? 'all'}`, (signal) =>
    api.listOutbox(status, signal),
  );
  const items = loaded.status === 'ready' ? loaded.data : [];
  // Failed messages may exist outside the chosen filter; "Retry all failed" looks at all of them.
  const failed = useLoad('outbox:failed', (signal) => api.listOutbox('failed', signal));
  const anyFailed = failed.loaded.status === 'ready' && failed.loaded.data.length > 0;
  /** The message being retried, `all` for every failed one, or null. */
  const [retrying, setRetrying] = useState<string | null>(null);
  const [retried, setRetried] = useState<number | null>(null);
  const [retryError, setRetryError] = useState<unknown>(null);
  // A retried row loses its Retry button; keyboard focus goes to the result instead of the page.
  const retryResult = useRef<HTMLParagraphElement>(null);

  const retry = async (send: () => Promise<number>, which: string) => {
    setRetrying(which);
    setRetried(null);
    setRetryError(null);
    try {
      setRetried(await send());
    } catch (error) {
      setRetryError(error);
    } finally {
      setRetrying(null);
      // Even after an error: a 409 means the message changed state meanwhile.
      reload();
      failed.reload();
      retryResult.current?.focus();
    }
  };
  const retryOne = (id: string) =>
    retry(async () => {
      await api.retryOutboxMessage(id);
      return 1;
    }, id);

  const choose = (value: string) => {
    const chosen = parseDeliveryStatus(value);
    setParams(chosen ? { status: chosen } : {}, { replace: true });
  };

  return (
    <>
      <h1>{t('outbox.title')}</h1>
      <p className={styles.intro}>{t('outbox.intro')}</p>
      <div className={styles.toolbar}>
        <Field label={t('outbox.state')}>
          {(control) => (
            <select
              {...control}
              name="status"
              value={status ?? ''}
              onChange={(event) => choose(event.target.value)}
            >
              <option value="">{t('outbox.all')}</option>
              {DELIVERY_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {t(`delivery.status_${value}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Button variant="secondary" onClick={reload}>
          {t('outbox.refresh')}
        </Button>
        <Button
          variant="secondary"
          data-testid="outbox-retry-all"
          disabled={!anyFailed || retrying !== null}
          onClick={() => void retry(api.retryFailedOutbox, 'all')}
        >
          {retrying === 'all' ? t('outbox.retrying') : t('outbox.retryAll')}
        </Button>
      </div>
      <p role="status" className={styles.muted} ref={retryResult} tabIndex={-1}>
        {retried === null ? null : t('outbox.retriedAll', { count: retried })}
      </p>
      {retryError ? <Alert>{errorText(t, retryError)}</Alert> : null}

      {/* Always present, so a new count after choosing a state is announced. */}
      <p role="status" className={styles.muted}>
        {loaded.status === 'ready' ? t('outbox.count', { count: items.length }) : null}
      </p>
      {loaded.status === 'loading' ? <Loading /> : null}
      {loaded.status === 'failed' ? <Alert>{errorText(t, loaded.error)}</Alert> : null}
      {loaded.status === 'ready' && items.length === 0 ? (
        <p className={styles.muted}>{status ? t('outbox.emptyFiltered') : t('outbox.empty')}</p>
      ) : null}
      {items.length > 0 ? (
        <DataTable caption={t('outbox.tableLabel')}>
          <thead>
            <tr>
              <th scope="col">{t('outbox.created')}</th>
              <th scope="col">{t('outbox.channel')}</th>
              <th scope="col">{t('outbox.recipient')}</th>
              <th scope="col">{t('outbox.summary')}</th>
              <th scope="col">{t('outbox.state')}</th>
              <th scope="col">{t('outbox.attempts')}</th>
              <th scope="col">{t('outbox.lastError')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('outbox.open')}</span>
              </th>
              <th scope="col">
                <span className="visually-hidden">{t('outbox.retry')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr
                key={item.id}
                data-testid="outbox-row"
                data-channel={item.channel}
                data-kind={item.kind}
                data-status={item.status}
                data-to={item.to}
              >
                <td className={styles.created}>
                  <time dateTime={item.createdAt}>{formatDateTime(item.createdAt, language)}</time>
                </td>
                <td>{channelText(t, item)}</td>
                <th scope="row">{item.to}</th>
                <td className={styles.summary}>{item.summary}</td>
                <td>
                  <DeliveryBadge state={deliveryState(item)}>
                    {deliveryStatusLabel(t, item)}
                  </DeliveryBadge>
                </td>
                <td>{item.attempts}</td>
                <td className={styles.reason}>{reasonText(item)}</td>
                <td>
                  <Link
                    to={`/admin/outbox/${encodeURIComponent(item.id)}`}
                    state={{ back: status ? `?status=${status}` : '' }}
                    aria-label={t('outbox.openLabel', { to: item.to })}
                  >
                    {t('outbox.open')}
                  </Link>
                </td>
                <td>
                  {item.status === 'failed' ? (
                    <Button
                      variant="secondary"
                      data-testid="outbox-retry"
                      aria-label={t('outbox.retryLabel', { to: item.to })}
                      aria-disabled={retrying !== null}
                      onClick={() => {
                        if (retrying === null) void retryOne(item.id);
                      }}
                    >
                      {retrying === item.id ? t('outbox.retrying') : t('outbox.retry')}
                    </Button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      ) : null}
    </>
  );
}
