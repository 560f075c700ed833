import type { ReactNode } from 'react';
import styles from './Alert.module.css';

/** An error for the whole form or page, announced as soon as it appears. */
export function Alert({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className={styles.alert} role="alert">
      {children}
    </p>
  );
}

/**
 * A polite status message. The live region stays in the page even when empty: screen readers
 * only announce changes to regions that already exist.
 */
export function Notice({ children }: { children: ReactNode }) {
  return <div role="status">{children ? <p className={styles.notice}>{children}</p> : null}</div>;
}
