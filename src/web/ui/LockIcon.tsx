import type { ComponentProps } from 'react';

interface LockIconProps extends Omit<ComponentProps<'span'>, 'role' | 'title' | 'children'> {
  /** Said by screen readers and shown on hover, e.g. "Password protected". */
  label: string;
}

/** A padlock with a text alternative, for things that need a password. */
export function LockIcon({ label, ...rest }: LockIconProps) {
  return (
    <span role="img" aria-label={label} title={label} {...rest}>
      <svg
        width="16"
        height="16"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
      >
        <path d="M5 11h14v10H5z M8 11V7a4 4 0 0 1 8 0v4" />
      </svg>
    </span>
  );
}
