import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { Language } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { LANGUAGES, isLanguage } from '../../i18n/index.js';
import { api, type ProfileChanges } from '../../lib/api.js';
import { useMember, useSession } from '../../session/session-context.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Avatar } from '../../ui/Avatar.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import styles from './account.module.css';
import { CalendarSettings } from './CalendarSettings.js';
import { ChangePasswordForm } from './ChangePasswordForm.js';
import { usePictureChoice } from './use-picture-choice.js';

const DISPLAY_NAME_MAX = 64;

export function ProfilePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('profile.title'));
  const member = useMember();
  const { setMember } = useSession();
  const picture = usePictureChoice();
  const fileInput = useRef<HTMLInputElement>(null);

  const [displayName, setDisplayName] = useState(member.displayName);
  const [language, setLanguage] = useState<Language>(member.language);
  const [nameError, setNameError] = useState('');
  const [failure, setFailure] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const previewUrl =
    picture.choice.kind === 'new'
      ? picture.choice.previewUrl
      : picture.choice.kind === 'remove'
        ? null
        : member.avatarUrl;
  const pictureError =
    picture.problem === 'tooLarge'
      ? t('profile.pictureTooLarge')
      : picture.problem === 'notImage'
        ? t('profile.pictureNotImage')
        : '';

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    setFailure('');
    const name = displayName.trim();
    if (!name || name.length > DISPLAY_NAME_MAX) {
      setNameError(t('profile.displayNameRequired'));
      return;
    }
    setNameError('');
    setBusy(true);
    try {
      const changes: ProfileChanges = { displayName: name, language };
      if (picture.choice.kind === 'new') {
        changes.avatarId = (await api.uploadAvatar(picture.choice.file)).id;
      } else if (picture.choice.kind === 'remove') {
        changes.avatarId = null;
      }
      setMember(await api.updateMe(changes));
      picture.reset();
      if (fileInput.current) fileInput.current.value = '';
      setSaved(true);
    } catch (error) {
      setFailure(errorText(t, error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className={styles.narrow}>
      <h1>{t('profile.title')}</h1>
      <dl className={styles.facts}>
        <dt>{t('profile.email')}</dt>
        <dd>{member.email}</dd>
        <dt>{t('profile.username')}</dt>
        <dd>{member.username}</dd>
      </dl>
      <form onSubmit={(event) => void onSubmit(event)} noValidate className={styles.card}>
        <Alert>{failure}</Alert>
        <Field label={t('profile.displayName')} error={nameError}>
          {(control) => (
            <input
              {...control}
              name="displayName"
              autoComplete="name"
              maxLength={DISPLAY_NAME_MAX}
              value={displayName}
              onChange={(event) => setDisplayName(event.target.value)}
            />
          )}
        </Field>
        <div className={styles.pictureRow}>
          <Avatar
            name={displayName || member.displayName}
            url={previewUrl}
            size="large"
            alt={previewUrl ? t('profile.preview') : ''}
          />
          <div className={styles.pictureControls}>
            <Field
              label={t('profile.picture')}
              help={t('profile.pictureHelp')}
              error={pictureError}
            >
              {(control) => (
                <input
                  {...control}
                  ref={fileInput}
                  type="file"
                  name="picture"
                  accept="image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif"
                  onChange={(event) => picture.pick(event.target.files?.[0])}
                />
              )}
            </Field>
            {previewUrl ? (
              <Button
                variant="quiet"
                onClick={() => {
                  picture.remove();
                  if (fileInput.current) fileInput.current.value = '';
                }}
              >
                {t('profile.removePicture')}
              </Button>
            ) : null}
          </div>
        </div>
        <Field label={t('profile.language')}>
          {(control) => (
            <select
              {...control}
              name="language"
              value={language}
              onChange={(event) => {
                if (isLanguage(event.target.value)) setLanguage(event.target.value);
              }}
            >
              {LANGUAGES.map((code) => (
                <option key={code} value={code} lang={code}>
                  {t(`language.${code}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Notice>{saved ? t('profile.saved') : null}</Notice>
        <Button type="submit" disabled={busy || picture.problem !== null}>
          {busy ? t('profile.saving') : t('profile.save')}
        </Button>
      </form>
      <CalendarSettings />
      <ChangePasswordForm />
    </div>
  );
}
