import type { InviteeKind } from '../../shared/api.js';
import styles from './Chip.module.css';
import { KindIcon } from './KindIcon.js';

export type ChipStatus = 'checking' | 'ok' | 'invalid' | 'unchecked';

interface ChipProps {
  label: string;
  kind: InviteeKind;
  kindLabel: string;
  status: ChipStatus;
  /** Why the entry is flagged, shown inside the chip. */
  reason?: string | undefined;
  /** Words for screen readers when the status is not ok, e.g. "not valid". */
  statusLabel?: string | undefined;
  removeLabel: string;
  onRemove: () => void;
}

/** One entry of a chip list; renders its own `<li>`. */
export function Chip(props: ChipProps) {
  const { label, kind, kindLabel, status, reason, statusLabel, removeLabel, onRemove } = props;
  return (
    <li
      className={`${styles.chip} ${status === 'ok' ? '' : (styles[status] ?? '')}`}
      data-testid="participant-chip"
      data-kind={kind}
      data-status={status}
    >
      <span className={styles.row}>
        <KindIcon kind={kind} />
        <span className="visually-hidden">{kindLabel}: </span>
        <span className={styles.label}>{label}</span>
        {statusLabel ? <span className="visually-hidden"> ({statusLabel})</span> : null}
        <button type="button" className={styles.remove} aria-label={removeLabel} onClick={onRemove}>
          <span aria-hidden="true">×</span>
        </button>
      </span>
      {reason ? <span className={styles.reason}>{reason}</span> : null}
    </li>
  );
}
