import { useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { Member } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { Button } from '../../ui/Button.js';
import { CopyButton } from '../../ui/CopyButton.js';
import styles from './admin.module.css';

type Step =
  { kind: 'idle' } | { kind: 'confirm' } | { kind: 'busy' } | { kind: 'shown'; password: string };

/**
 * "Reset password" for one member: a confirm step, then the new password shown once, with a
 * copy button, until the admin closes it (the server keeps only its hash).
 */
export function ResetPassword({ member }: { member: Member }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [failure, setFailure] = useState('');
  const name = member.displayName;

  async function reset() {
    setStep({ kind: 'busy' });
    setFailure('');
    try {
      setStep({ kind: 'shown', password: await api.resetMemberPassword(member.id) });
    } catch (error) {
      setFailure(errorText(t, error));
      setStep({ kind: 'idle' });
    }
  }

  return (
    <div className={styles.reset}>
      {step.kind === 'idle' ? (
        <Button
          variant="quiet"
          data-testid="member-reset-password"
          aria-label={t('admin.resetPasswordLabel', { name })}
          onClick={() => setStep({ kind: 'confirm' })}
        >
          {t('admin.resetPassword')}
        </Button>
      ) : null}
      {step.kind === 'confirm' || step.kind === 'busy' ? (
        <div role="group" aria-label={t('admin.resetPasswordLabel', { name })}>
          <p className={styles.meta}>{t('admin.resetConfirm', { name })}</p>
          <Button
            variant="danger"
            data-testid="member-reset-confirm"
            disabled={step.kind === 'busy'}
            onClick={() => void reset()}
          >
            {step.kind === 'busy' ? t('admin.resetting') : t('admin.resetConfirmButton')}
          </Button>{' '}
          <Button
            variant="quiet"
            disabled={step.kind === 'busy'}
            onClick={() => setStep({ kind: 'idle' })}
          >
            {t('admin.cancel')}
          </Button>
        </div>
      ) : null}
      <div role="status">
        {step.kind === 'shown' ? (
          <>
            <p className={styles.meta}>
              {t('admin.newPassword', { name })}{' '}
              <code className={styles.secret} data-testid="member-new-password">
                {step.password}
              </code>
            </p>
            <p className={styles.meta}>{t('admin.newPasswordNote', { name })}</p>
          </>
        ) : null}
      </div>
      {step.kind === 'shown' ? (
        <>
          <CopyButton text={step.password} label={t('admin.copyPassword')} context={name} />{' '}
          <Button variant="quiet" onClick={() => setStep({ kind: 'idle' })}>
            {t('admin.done')}
          </Button>
        </>
      ) : null}
      {failure ? (
        <p role="alert" className={styles.error}>
          {failure}
        </p>
      ) : null}
    </div>
  );
}
