import { useTranslation } from '../i18n/index.js';

/** Shown while data loads, so the screen is never blank. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return <p role="status">{label ?? t('app.loading')}</p>;
}
