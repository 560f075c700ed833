import { useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { Link, useLocation, useParams } from 'react-router';
import type { OutboxDetail } from '../../../shared/api.js';
import { channelText, deliveryKindText, deliveryStatusLabel } from '../../i18n/delivery-text.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { formatDateTime } from '../../lib/date-time.js';
import { deliveryState, parseDeliveryStatus } from '../../lib/delivery-state.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { DeliveryBadge } from '../../ui/DeliveryBadge.js';
import { NotLoaded } from '../../ui/NotLoaded.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import styles from './admin.module.css';

/** Admins: one outgoing message as its recipient gets it (email preview, text, ICS; or SMS). */
export function OutboxMessagePage() {
  const { t } = useTranslation();
  const id = useParams().id ?? '';
  const { loaded, reload } = useLoad(id, (signal) => api.outboxMessage(id, signal));
  const backSearch = useBackSearch();
  const [retrying, setRetrying] = useState(false);
  const [retried, setRetried] = useState(false);
  const [retryError, setRetryError] = useState<unknown>(null);
  useDocumentTitle(
    loaded.status === 'ready'
      ? t('outbox.messageTitle', { to: loaded.data.to })
      : t('outbox.title'),
  );

  const back = (
    <p>
      <Link to={`/admin/outbox${backSearch}`}>← {t('outbox.back')}</Link>
    </p>
  );
  if (loaded.status !== 'ready') {
    return <NotLoaded loaded={loaded} back={back} notFound={t('outbox.notFound')} />;
  }

  const message = loaded.data;
  const retry = async () => {
    setRetrying(true);
    setRetried(false);
    setRetryError(null);
    try {
      await api.retryOutboxMessage(message.id);
      setRetried(true);
    } catch (error) {
      setRetryError(error);
    } finally {
      setRetrying(false);
      reload();
    }
  };
  return (
    <>
      {back}
      <h1 className={styles.title}>{t('outbox.messageTitle', { to: message.to })}</h1>
      <MessageFacts message={message} />
      {message.status === 'failed' ? (
        <p>
          <Button
            variant="secondary"
            data-testid="outbox-retry"
            aria-disabled={retrying}
            onClick={() => {
              if (!retrying) void retry();
            }}
          >
            {retrying ? t('outbox.retrying') : t('outbox.retry')}
          </Button>
        </p>
      ) : null}
      <p role="status" className={styles.muted}>
        {retried ? t('outbox.retried') : null}
      </p>
      {retryError ? <Alert>{errorText(t, retryError)}</Alert> : null}
      {message.email ? (
        <>
          <section aria-labelledby="html-heading" className={styles.block}>
            <h2 id="html-heading">{t('outbox.htmlVersion')}</h2>
            {/* sandbox="": no scripts, no same origin, no forms, no top navigation. The server
                serves the HTML with its own CSP, which alone allows the email's inline styles. */}
            <iframe
              className={styles.preview}
              title={t('outbox.preview')}
              sandbox=""
              src={api.outboxPreviewUrl(message.id)}
            />
          </section>
          <section aria-labelledby="text-heading" className={styles.block}>
            <h2 id="text-heading">{t('outbox.textVersion')}</h2>
            <pre className={styles.pre}>{message.email.text}</pre>
          </section>
          {/* Reminders and notices to an organizer carry no calendar object. */}
          {message.email.ics ? (
            <p>
              <a href={api.outboxIcsUrl(message.id)} download="invite.ics">
                {t('outbox.downloadIcs')}
              </a>
            </p>
          ) : null}
        </>
      ) : null}
      {message.sms ? (
        <section aria-labelledby="sms-heading" className={styles.block}>
          <h2 id="sms-heading">{t('outbox.smsText')}</h2>
          <pre className={styles.pre}>{message.sms.text}</pre>
          <p className={styles.muted}>
            {/* Characters as people count them, not UTF-16 code units. */}
            {t('outbox.smsLength', { count: Array.from(message.sms.text).length })}
          </p>
        </section>
      ) : null}
    </>
  );
}

function MessageFacts({ message }: { message: OutboxDetail }) {
  const { t, language } = useTranslation();
  return (
    <dl className={styles.facts}>
      {message.email ? (
        <>
          <dt>{t('outbox.subject')}</dt>
          <dd>{message.email.subject}</dd>
        </>
      ) : null}
      <dt>{t('outbox.to')}</dt>
      <dd>{message.to}</dd>
      <dt>{t('outbox.channel')}</dt>
      <dd>{channelText(t, message)}</dd>
      <dt>{t('outbox.kind')}</dt>
      <dd>{deliveryKindText(t, message)}</dd>
      <dt>{t('outbox.state')}</dt>
      <dd>
        <DeliveryBadge state={deliveryState(message)}>
          {deliveryStatusLabel(t, message)}
        </DeliveryBadge>
      </dd>
      <dt>{t('outbox.attempts')}</dt>
      <dd>{message.attempts}</dd>
      {message.lastError ? (
        <>
          <dt>{t('outbox.lastError')}</dt>
          <dd>{message.lastError}</dd>
        </>
      ) : null}
      <dt>{t('outbox.created')}</dt>
      <dd>
        <time dateTime={message.createdAt}>{formatDateTime(message.createdAt, language)}</time>
      </dd>
      <dt>{t('outbox.changedAt')}</dt>
      <dd>
        <time dateTime={message.updatedAt}>{formatDateTime(message.updatedAt, language)}</time>
      </dd>
    </dl>
  );
}

/** The list's filter the person came from, so "Back to Outbox" returns to the same view. */
function useBackSearch(): string {
  const back: unknown = useLocation().state;
  const search = (back as { back?: unknown } | null)?.back;
  if (typeof search !== 'string') return '';
  const status = parseDeliveryStatus(new URLSearchParams(search).get('status'));
  return status ? `?status=${status}` : '';
}
