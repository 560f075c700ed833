import { useCallback, useEffect, useState } from 'react';
import type { Delivery } from '../../../shared/api.js';
import { api } from '../../lib/api.js';
import { changedDeliveries, hasQueued } from '../../lib/delivery-state.js';

/** How long to wait between looks while a message is still queued. */
const POLL_MS = 2_000;

interface State {
  /** Null until the first answer. */
  deliveries: Delivery[] | null;
  /** The last failed request, cleared by the next answer. */
  error: unknown;
  /** What changed with the last answer, for announcing; empty after the first. */
  changes: Delivery[];
  /** Delivery ids whose resend is in flight. */
  resending: readonly string[];
  /** Bumped to load again after the first load failed. */
  attempt: number;
}

const INITIAL: State = { deliveries: null, error: null, changes: [], resending: [], attempt: 0 };

/**
 * A meeting's invitation deliveries, asked for again every 2 s while any is queued. One request at
 * a time: the next look is planned only once the previous answer (or failure) arrived, and a
 * resend pauses looking until its own answer is in.
 */
export function useDeliveries(meetingId: string) {
  const [state, setState] = useState<State>(INITIAL);
  const { deliveries, error, resending, attempt } = state;

  const received = useCallback((next: Delivery[]) => {
    setState((previous) => ({
      ...previous,
      deliveries: next,
      error: null,
      changes: previous.deliveries ? changedDeliveries(previous.deliveries, next) : [],
    }));
  }, []);

  useEffect(() => {
    if (resending.length > 0) return;
    const first = deliveries === null;
    if (first ? error !== null : !hasQueued(deliveries)) return;
    const controller = new AbortController();
    const timer = setTimeout(
      () => {
        api.deliveries(meetingId, controller.signal).then(received, (failure: unknown) => {
          if (!controller.signal.aborted) setState((previous) => ({ ...previous, error: failure }));
        });
      },
      first ? 0 : POLL_MS,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [meetingId, deliveries, error, resending.length, attempt, received]);

  const resend = useCallback(
    async (deliveryId: string) => {
      setState((previous) => ({ ...previous, resending: [...previous.resending, deliveryId] }));
      try {
        received(await api.resendDelivery(meetingId, deliveryId));
      } finally {
        setState((previous) => ({
          ...previous,
          resending: previous.resending.filter((id) => id !== deliveryId),
        }));
      }
    },
    [meetingId, received],
  );

  const retry = useCallback(
    () => setState((previous) => ({ ...previous, error: null, attempt: previous.attempt + 1 })),
    [],
  );

  return { ...state, resend, retry };
}
