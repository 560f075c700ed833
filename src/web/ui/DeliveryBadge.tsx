import type { ReactNode } from 'react';
import type { DeliveryState } from '../lib/delivery-state.js';
import styles from './DeliveryBadge.module.css';

// A shape per state as well as a colour, so the state never rests on colour alone.
const MARKS: Record<DeliveryState, string> = {
  queued: '…',
  retrying: '↻',
  sent: '✓',
  failed: '✕',
  kept: '■',
  skipped: '⤼',
};

/** A delivery's state as a pill; `children` is the text that says it. */
export function DeliveryBadge({ state, children }: { state: DeliveryState; children: ReactNode }) {
  return (
    <span className={`${styles.badge} ${styles[state]}`}>
      <span aria-hidden="true" className={styles.mark}>
        {MARKS[state]}
      </span>
      <span>{children}</span>
    </span>
  );
}
