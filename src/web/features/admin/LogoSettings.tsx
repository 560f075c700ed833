import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { AdminSettings } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import styles from './admin.module.css';

/** Mirrors the server's limit (src/server/settings/logo.ts); the server checks again. */
const LOGO_MAX_BYTES = 5 * 1024 * 1024;

/** The organization's logo: the current one, uploading another, or removing it. */
export function LogoSettings({
  admin,
  onChanged,
}: {
  admin: AdminSettings;
  onChanged: (admin: AdminSettings) => void;
}) {
  const { t } = useTranslation();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState('');
  const [failure, setFailure] = useState('');
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState<'upload' | 'remove' | null>(null);
  const { organizationLogoUrl: logoUrl, organizationName } = admin.settings;

  async function run(which: 'upload' | 'remove', action: () => Promise<AdminSettings>) {
    setFailure('');
    setStatus('');
    setBusy(which);
    try {
      onChanged(await action());
      setStatus(which === 'upload' ? t('settings.logoSaved') : t('settings.logoRemoved'));
      setFile(null);
      if (fileInput.current) fileInput.current.value = '';
    } catch (error) {
      setFailure(errorText(t, error));
    } finally {
      setBusy(null);
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) return setFileError(t('settings.logoChooseFile'));
    if (file.size > LOGO_MAX_BYTES) return setFileError(t('settings.logoTooLarge'));
    setFileError('');
    void run('upload', () => api.uploadLogo(file, file.name));
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className={styles.card}
      aria-labelledby="logo-title"
      data-testid="logo-settings"
    >
      <h2 id="logo-title">{t('settings.logo')}</h2>
      <p className={styles.intro}>{t('settings.logoIntro')}</p>
      <Alert>{failure}</Alert>
      {logoUrl ? (
        <img
          className={styles.logo}
          src={logoUrl}
          width={180}
          height={60}
          alt={t('settings.logoAlt', { name: organizationName })}
        />
      ) : (
        <p className={styles.muted}>{t('settings.noLogo')}</p>
      )}
      <Field label={t('settings.logoFile')} help={t('settings.logoHelp')} error={fileError}>
        {(control) => (
          <input
            {...control}
            ref={fileInput}
            type="file"
            name="logo"
            accept="image/png,image/jpeg,image/webp,image/gif,image/avif"
            onChange={(event) => {
              setFileError('');
              setFile(event.target.files?.[0] ?? null);
            }}
          />
        )}
      </Field>
      <div className={styles.actions}>
        <Button type="submit" disabled={busy !== null}>
          {busy === 'upload' ? t('settings.uploadingLogo') : t('settings.uploadLogo')}
        </Button>
        {logoUrl ? (
          <Button
            variant="secondary"
            disabled={busy !== null}
            onClick={() => void run('remove', api.removeLogo)}
          >
            {busy === 'remove' ? t('settings.removingLogo') : t('settings.removeLogo')}
          </Button>
        ) : null}
      </div>
      <Notice>{status}</Notice>
    </form>
  );
}
