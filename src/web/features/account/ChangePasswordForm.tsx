import { useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { isApiError } from '../../lib/api-error.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import styles from './account.module.css';

// Mirrors src/shared/api.ts (changePasswordBody); values from there would bring zod into the bundle.
const PASSWORD_MIN = 10;

/** A member changes their own password; the current one is asked for first. */
export function ChangePasswordForm() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<{ current?: string; next?: string }>({});
  const [failure, setFailure] = useState('');
  const [changed, setChanged] = useState(false);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setChanged(false);
    setFailure('');
    const found = {
      ...(current ? {} : { current: t('profile.passwordRequired') }),
      ...(next.length >= PASSWORD_MIN
        ? {}
        : { next: t('profile.passwordTooShort', { min: PASSWORD_MIN }) }),
    };
    setErrors(found);
    if (found.current || found.next) return;
    setBusy(true);
    try {
      await api.changePassword(current, next);
      setCurrent('');
      setNext('');
      setChanged(true);
    } catch (error) {
      if (isApiError(error, 'CURRENT_PASSWORD_WRONG')) setErrors({ current: errorText(t, error) });
      else setFailure(errorText(t, error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={(event) => void onSubmit(event)}
      noValidate
      className={styles.card}
      aria-labelledby="password-title"
    >
      <h2 id="password-title">{t('profile.passwordTitle')}</h2>
      <Alert>{failure}</Alert>
      <Field label={t('profile.currentPassword')} error={errors.current}>
        {(control) => (
          <input
            {...control}
            type="password"
            name="currentPassword"
            autoComplete="current-password"
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
          />
        )}
      </Field>
      <Field
        label={t('profile.newPassword')}
        help={t('profile.newPasswordHelp', { min: PASSWORD_MIN })}
        error={errors.next}
      >
        {(control) => (
          <input
            {...control}
            type="password"
            name="newPassword"
            autoComplete="new-password"
            value={next}
            onChange={(event) => setNext(event.target.value)}
          />
        )}
      </Field>
      <Notice>{changed ? t('profile.passwordChanged') : null}</Notice>
      <Button type="submit" disabled={busy}>
        {busy ? t('profile.changingPassword') : t('profile.changePassword')}
      </Button>
    </form>
  );
}
