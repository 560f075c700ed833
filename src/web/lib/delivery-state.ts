/** How an invitation delivery's state reads to people, and how lists of them change over time. */
import type { Delivery, DeliveryStatus } from '../../shared/api.js';

export const DELIVERY_STATUSES = [
  'queued',
  'sent',
  'failed',
  'kept',
  'skipped',
] as const satisfies readonly DeliveryStatus[];

/** The server's status, with a queued message whose last try failed told apart as `retrying`. */
export type DeliveryState = 'queued' | 'retrying' | 'sent' | 'failed' | 'kept' | 'skipped';

export function deliveryState(delivery: Pick<Delivery, 'status' | 'lastError'>): DeliveryState {
  if (delivery.status === 'queued' && delivery.lastError) return 'retrying';
  return delivery.status;
}

/** True while some message still waits for a try, so its outcome is worth asking for again. */
export function hasQueued(deliveries: readonly Pick<Delivery, 'status'>[]): boolean {
  return deliveries.some((delivery) => delivery.status === 'queued');
}

/** A `?status=` value from the address bar, or undefined for "all" and anything unknown. */
export function parseDeliveryStatus(value: string | null): DeliveryStatus | undefined {
  return DELIVERY_STATUSES.find((status) => status === value);
}

const participantKey = (delivery: Pick<Delivery, 'participant'>) =>
  `${delivery.participant.kind}:${delivery.participant.address}`;

/**
 * The deliveries of `after` whose state (or reason) differs from the same participant's in
 * `before`, or who were not in `before`; for announcing what changed since the last look.
 */
export function changedDeliveries(before: readonly Delivery[], after: readonly Delivery[]) {
  const previous = new Map(before.map((delivery) => [participantKey(delivery), delivery]));
  return after.filter((delivery) => {
    const old = previous.get(participantKey(delivery));
    return (
      !old ||
      old.id !== delivery.id ||
      deliveryState(old) !== deliveryState(delivery) ||
      old.lastError !== delivery.lastError
    );
  });
}
