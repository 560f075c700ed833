import { useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { Delivery, Meeting } from '../../../shared/api.js';
import { channelText, deliveryKindText, deliveryStatusText } from '../../i18n/delivery-text.js';
import { errorText } from '../../i18n/error-text.js';
import { formatDateTime } from '../../lib/date-time.js';
import { deliveryState, hasQueued } from '../../lib/delivery-state.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { DataTable } from '../../ui/DataTable.js';
import { DeliveryBadge } from '../../ui/DeliveryBadge.js';
import { KindIcon } from '../../ui/KindIcon.js';
import { Loading } from '../../ui/Loading.js';
import styles from './meetings.module.css';
import { useDeliveries } from './use-deliveries.js';
import { LoadFailure } from '../../ui/LoadFailure.js';

/** For the organizer: whether each participant's invitation went out, and sending it again. */
export function Invitations({ meeting }: { meeting: Meeting }) {
  const { t, language } = useTranslation();
  const { deliveries, error, changes, resending, resend, retry } = useDeliveries(meeting.id);
  const [failure, setFailure] = useState('');

  const names = new Map(
    meeting.participants.map((p) => [`${p.kind}:${p.address}`, p.displayName] as const),
  );
  const answers = new Map(
    meeting.participants.map((p) => [`${p.kind}:${p.address}`, p.response] as const),
  );

  async function onResend(delivery: Delivery) {
    setFailure('');
    try {
      await resend(delivery.id);
    } catch (caught) {
      setFailure(errorText(t, caught));
    }
  }

  const announcement = changes
    .map((d) => t('invitations.changed', { address: d.to, status: deliveryStatusText(t, d) }))
    .join(' ');

  let body;
  if (deliveries === null) {
    body = error ? <LoadFailure error={error} onRetry={retry} /> : <Loading />;
  } else if (deliveries.length === 0) {
    body = <p className={styles.muted}>{t('invitations.empty')}</p>;
  } else {
    body = (
      <DataTable caption={t('invitations.tableLabel')}>
        <thead>
          <tr>
            <th scope="col">{t('invitations.participant')}</th>
            <th scope="col">{t('invitations.state')}</th>
            <th scope="col">{t('answers.column')}</th>
            <th scope="col">{t('invitations.channel')}</th>
            <th scope="col">{t('invitations.message')}</th>
            <th scope="col">{t('invitations.changedAt')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('invitations.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => {
            const { kind, address } = delivery.participant;
            const name = names.get(`${kind}:${address}`);
            const busy = resending.includes(delivery.id);
            const answer = answers.get(`${kind}:${address}`) ?? null;
            return (
              <tr
                key={delivery.id}
                data-testid="delivery-row"
                data-address={address}
                data-status={delivery.status}
              >
                <th scope="row">
                  <span className={styles.who}>
                    <KindIcon kind={kind} />
                    <span className="visually-hidden">{t(`chip.kind_${kind}`)}: </span>
                    {name ?? address}
                  </span>
                  {name || delivery.to !== address ? (
                    <span className={styles.cellNote}>{delivery.to}</span>
                  ) : null}
                </th>
                <td className={styles.stateCell}>
                  <DeliveryBadge state={deliveryState(delivery)}>
                    {deliveryStatusText(t, delivery)}
                  </DeliveryBadge>
                </td>
                <td data-testid="invitee-answer" data-response={answer ?? 'none'}>
                  {t(answer ? `answers.${answer}` : 'answers.none')}
                </td>
                <td>{channelText(t, delivery)}</td>
                <td>{deliveryKindText(t, delivery)}</td>
                <td>
                  <time dateTime={delivery.updatedAt}>
                    {formatDateTime(delivery.updatedAt, language)}
                  </time>
                </td>
                <td>
                  <Button
                    variant="secondary"
                    aria-disabled={busy}
                    aria-label={t(busy ? 'invitations.sendingLabel' : 'invitations.resendLabel', {
                      address,
                    })}
                    onClick={() => {
                      if (!busy) void onResend(delivery);
                    }}
                  >
                    {busy ? t('invitations.sending') : t('invitations.resend')}
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </DataTable>
    );
  }

  return (
    <section
      className={`${styles.card} ${styles.invitations}`}
      aria-labelledby="invitations-heading"
    >
      <h2 id="invitations-heading">{t('invitations.title')}</h2>
      <Alert>{failure}</Alert>
      {body}
      {deliveries && hasQueued(deliveries) ? (
        <p className={styles.muted}>{t('invitations.waiting')}</p>
      ) : null}
      {deliveries && error ? <Alert>{errorText(t, error)}</Alert> : null}
      <div className="visually-hidden">
        <Notice>{announcement}</Notice>
      </div>
    </section>
  );
}
