import { Component, type ReactNode } from 'react';
import { useTranslation } from '../i18n/index.js';
import { Button } from '../ui/Button.js';
import styles from './App.module.css';

interface State {
  failed: boolean;
}

/** A render crash or a failed lazy chunk shows a way out instead of a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(error: unknown) {
    console.error(error);
  }

  override render() {
    return this.state.failed ? <CrashPage /> : this.props.children;
  }
}

function CrashPage() {
  const { t } = useTranslation();
  return (
    <main id="main" className={styles.standalone}>
      <h1>{t('app.crashTitle')}</h1>
      <p>{t('app.crashBody')}</p>
      <Button onClick={() => window.location.reload()}>{t('app.reload')}</Button>
    </main>
  );
}
