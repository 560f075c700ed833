/** The words for an invitation delivery: its state badge, what it announced, its channel. */
import type { TFunction } from './translate.js';
import type { Delivery } from '../../shared/api.js';
import { deliveryState } from '../lib/delivery-state.js';

type Described = Pick<Delivery, 'status' | 'lastError' | 'channel'>;

/** The full sentence for organizers: the state and, when something went wrong, why. */
export function deliveryStatusText(t: TFunction, delivery: Described): string {
  const reason = delivery.lastError ?? t('delivery.unknownReason');
  switch (deliveryState(delivery)) {
    case 'queued':
      return t('delivery.status_queued');
    case 'retrying':
      return t('delivery.retrying', { reason });
    case 'sent':
      return t('delivery.status_sent');
    case 'failed':
      return t('delivery.failedBecause', { reason });
    case 'kept':
      return t(delivery.channel === 'email' ? 'delivery.keptEmail' : 'delivery.keptSms');
    case 'skipped':
      return t('delivery.skipped');
  }
}

/** One word for a table cell where the reason has a column of its own (the Outbox). */
export function deliveryStatusLabel(t: TFunction, delivery: Described): string {
  return t(`delivery.status_${deliveryState(delivery)}`);
}

export function deliveryKindText(t: TFunction, delivery: Pick<Delivery, 'kind'>): string {
  return t(`delivery.kind_${delivery.kind}`);
}

export function channelText(t: TFunction, delivery: Pick<Delivery, 'channel'>): string {
  return t(`delivery.channel_${delivery.channel}`);
}
