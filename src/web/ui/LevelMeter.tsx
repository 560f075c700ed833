import { useId } from 'react';
import styles from './LevelMeter.module.css';

/** A horizontal level bar (0–100) with a visible label, exposed as an ARIA meter. */
export function LevelMeter({
  label,
  value,
  testId,
}: {
  label: string;
  value: number;
  testId: string;
}) {
  const labelId = useId();
  const percent = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className={styles.wrapper}>
      <span id={labelId} className={styles.label}>
        {label}
      </span>
      <div
        className={styles.track}
        role="meter"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid={testId}
      >
        <div className={styles.bar} style={{ transform: `scaleX(${percent / 100})` }} />
      </div>
    </div>
  );
}
