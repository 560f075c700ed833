import { useEffect, useRef, useState } from 'react';
import { useTranslation } from '../i18n/index.js';
import { copyText } from '../lib/clipboard.js';
import { Button, type ButtonVariant } from './Button.js';
import styles from './CopyButton.module.css';

const CONFIRMATION_MS = 2500;

interface CopyButtonProps {
  text: string;
  label?: string;
  /** Said after the label to screen readers, where many such buttons share a page (lists). */
  context?: string;
  variant?: ButtonVariant;
}

/** Copies `text` and says "Copied" in a live region next to the button for a moment. */
export function CopyButton({ text, label, context, variant = 'secondary' }: CopyButtonProps) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<'copied' | 'failed' | null>(null);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  async function copy() {
    const copied = await copyText(text);
    setOutcome(copied ? 'copied' : 'failed');
    window.clearTimeout(timer.current);
    if (copied) timer.current = window.setTimeout(() => setOutcome(null), CONFIRMATION_MS);
  }

  return (
    <span className={styles.wrapper}>
      <Button variant={variant} onClick={() => void copy()}>
        {label ?? t('copy.copyLink')}
        {context ? <span className="visually-hidden">: {context}</span> : null}
      </Button>
      <span role="status" aria-live="polite" className={outcome ? styles[outcome] : undefined}>
        {outcome === 'copied' ? t('copy.copied') : outcome === 'failed' ? t('copy.failed') : ''}
      </span>
    </span>
  );
}
