import { colorIndexOf, initialsOf } from '../lib/initials.js';
import styles from './Avatar.module.css';

interface AvatarProps {
  name: string;
  url?: string | null;
  size?: 'small' | 'medium' | 'large';
  /** Alt text for the picture; empty (the default) when the name is written next to it. */
  alt?: string;
}

/** A person's picture, or their initials on a disc whose color comes from their name. */
export function Avatar({ name, url, size = 'medium', alt = '' }: AvatarProps) {
  if (url) {
    return (
      <span className={`${styles.avatar} ${styles[size]}`}>
        <img className={styles.image} src={url} alt={alt} />
      </span>
    );
  }
  const color = styles[`color${colorIndexOf(name)}`] ?? '';
  return (
    <span
      className={`${styles.avatar} ${styles[size]} ${color}`}
      aria-hidden={alt ? undefined : true}
      role={alt ? 'img' : undefined}
      aria-label={alt || undefined}
    >
      {initialsOf(name)}
    </span>
  );
}
