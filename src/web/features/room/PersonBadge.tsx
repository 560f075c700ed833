import styles from './hosts.module.css';

/** A person's picture, or their initial when they have none; the name is shown beside it. */
export function PersonBadge({ name, avatarUrl }: { name: string; avatarUrl: string | null }) {
  return avatarUrl ? (
    <img src={avatarUrl} alt="" />
  ) : (
    <span className={styles.initial} aria-hidden="true">
      {[...name][0]?.toUpperCase() ?? '?'}
    </span>
  );
}
