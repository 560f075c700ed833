import { useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { errorText } from '../../i18n/error-text.js';
import { sessionApi } from '../../lib/session-api.js';
import { safeNextPath } from '../../lib/safe-redirect.js';
import { useSession } from '../../session/session-context.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import styles from './account.module.css';

export function LoginPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('login.title'));
  const { member, setMember } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));

  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);

  if (member) return <Navigate to={next} replace />;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = {
      ...(email.trim() ? {} : { email: t('login.emailRequired') }),
      ...(password ? {} : { password: t('login.passwordRequired') }),
    };
    setErrors(found);
    setFailure('');
    if (found.email || found.password) return;
    setBusy(true);
    try {
      setMember(await sessionApi.logIn(email.trim(), password));
      void navigate(next, { replace: true });
    } catch (error) {
      setFailure(errorText(t, error));
      setBusy(false);
    }
  }

  return (
    <div className={styles.narrow}>
      <h1>{t('login.title')}</h1>
      <form onSubmit={(event) => void onSubmit(event)} noValidate className={styles.card}>
        <Alert>{failure}</Alert>
        <Field label={t('login.email')} error={errors.email}>
          {(control) => (
            <input
              {...control}
              type="email"
              name="email"
              autoComplete="username"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field label={t('login.password')} error={errors.password}>
          {(control) => (
            <input
              {...control}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <Button type="submit" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </Button>
      </form>
    </div>
  );
}
