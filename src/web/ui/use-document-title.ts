import { useEffect } from 'react';
import { useTranslation } from '../i18n/index.js';

/** "Page – Tertulia" in the tab title, so screen reader users hear where a navigation led. */
export function useDocumentTitle(title: string | undefined) {
  const { t } = useTranslation();
  const appName = t('app.name');
  useEffect(() => {
    document.title = title ? `${title} – ${appName}` : appName;
  }, [title, appName]);
}
