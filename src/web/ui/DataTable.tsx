import { useId, type ReactNode } from 'react';
import styles from './DataTable.module.css';

/**
 * A table that scrolls sideways inside its own box, so a narrow screen never scrolls the whole
 * page. The box is a focusable named region: keyboard users can scroll it with the arrow keys.
 * `children` are the table's `<thead>` and `<tbody>`, with `<th scope>` headers.
 */
export function DataTable({ caption, children }: { caption: string; children: ReactNode }) {
  const captionId = useId();
  return (
    <div className={styles.scroll} role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className={styles.table}>
        <caption id={captionId} className="visually-hidden">
          {caption}
        </caption>
        {children}
      </table>
    </div>
  );
}
