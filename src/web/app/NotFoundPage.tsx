import { useTranslation } from '../i18n/index.js';
import { Link } from 'react-router';
import { useDocumentTitle } from '../ui/use-document-title.js';

export function NotFoundPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('app.notFoundTitle'));
  return (
    <>
      <h1>{t('app.notFoundTitle')}</h1>
      <p>{t('app.notFoundBody')}</p>
      <Link to="/meetings">{t('app.backToMeetings')}</Link>
    </>
  );
}
