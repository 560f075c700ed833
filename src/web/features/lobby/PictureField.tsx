import { useId, useRef, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { errorText } from '../../i18n/error-text.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Avatar } from '../../ui/Avatar.js';
import { Button } from '../../ui/Button.js';
import type { useGuestPicture } from './use-guest-picture.js';
import styles from './lobby.module.css';

interface PictureFieldProps {
  /** The name typed so far, for the initials shown without a picture. */
  name: string;
  picture: ReturnType<typeof useGuestPicture>;
  /** A selfie needs the live camera preview. */
  canTakeSelfie: boolean;
  onTakeSelfie: () => void;
}

/** The optional picture: from a file or a selfie, previewed exactly as others will see it. */
export function PictureField({ name, picture, canTakeSelfie, onTakeSelfie }: PictureFieldProps) {
  const { t } = useTranslation();
  const helpId = useId();
  const selfieHelpId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [removed, setRemoved] = useState(false);
  const { state, problem } = picture;
  const previewUrl =
    state.status === 'ready' || state.status === 'uploading' ? state.previewUrl : null;

  const status =
    state.status === 'preparing'
      ? t('lobby.preparingPicture')
      : state.status === 'uploading'
        ? t('lobby.uploadingPicture')
        : state.status === 'ready'
          ? t('lobby.pictureReady')
          : removed
            ? t('lobby.pictureRemoved')
            : '';
  const error = !problem
    ? ''
    : problem.kind === 'notImage'
      ? t('lobby.pictureNotImage')
      : problem.kind === 'selfie'
        ? t('lobby.selfieFailed')
        : errorText(t, problem.error);

  return (
    <fieldset className={styles.picture} aria-describedby={helpId}>
      <legend className={styles.legend}>{t('lobby.picture')}</legend>
      <div className={styles.pictureRow}>
        <span data-testid="lobby-picture-preview" data-status={state.status}>
          <Avatar
            name={name || '?'}
            url={previewUrl}
            size="large"
            alt={previewUrl ? t('lobby.picturePreview') : ''}
          />
        </span>
        <div className={styles.pictureControls}>
          <p id={helpId} className={styles.help}>
            {t('lobby.pictureHelp')}
          </p>
          <div className={styles.buttons}>
            <span className={styles.fileButton}>
              <input
                ref={fileInput}
                id={`${helpId}-file`}
                className="visually-hidden"
                type="file"
                accept="image/*"
                data-testid="lobby-picture-input"
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  event.target.value = '';
                  setRemoved(false);
                  if (file) void picture.fromFile(file);
                }}
              />
              <label htmlFor={`${helpId}-file`}>{t('lobby.choosePicture')}</label>
            </span>
            <Button
              variant="secondary"
              disabled={!canTakeSelfie}
              aria-describedby={canTakeSelfie ? undefined : selfieHelpId}
              onClick={() => {
                setRemoved(false);
                onTakeSelfie();
              }}
              data-testid="lobby-selfie"
            >
              {t('lobby.takeSelfie')}
            </Button>
            {state.status === 'uploading' || state.status === 'ready' ? (
              <Button
                variant="quiet"
                onClick={() => {
                  picture.remove();
                  setRemoved(true);
                  fileInput.current?.focus();
                }}
              >
                {t('lobby.removePicture')}
              </Button>
            ) : null}
          </div>
          {canTakeSelfie ? null : (
            <p id={selfieHelpId} className={styles.help}>
              {t('lobby.selfieNeedsCamera')}
            </p>
          )}
        </div>
      </div>
      <Notice>{status}</Notice>
      <Alert>{error}</Alert>
    </fieldset>
  );
}
