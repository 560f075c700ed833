import type { ReactNode } from 'react';
import { useTranslation } from '../i18n/index.js';
import { Navigate, useLocation } from 'react-router';
import { errorText } from '../i18n/error-text.js';
import { Alert } from '../ui/Alert.js';
import { Button } from '../ui/Button.js';
import { Loading } from '../ui/Loading.js';
import { useSession } from '../session/session-context.js';
import styles from './App.module.css';

/** Member pages: wait for the session, send anonymous visitors to log in and back here after. */
export function RequireMember({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { state, retry } = useSession();
  const location = useLocation();

  if (state.status === 'loading') {
    return (
      <div className={styles.standalone}>
        <Loading />
      </div>
    );
  }
  if (state.status === 'unavailable') {
    return (
      <main id="main" className={styles.standalone}>
        <Alert>{errorText(t, state.error)}</Alert>
        <Button onClick={retry}>{t('app.reload')}</Button>
      </main>
    );
  }
  if (state.status === 'anonymous') {
    const next = location.pathname + location.search + location.hash;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}

/** Admin pages: a clear refusal for members instead of an empty screen. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { member } = useSession();
  if (member?.role !== 'admin') return <Alert>{t('errors.ADMIN_ONLY')}</Alert>;
  return children;
}
