import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { useLocation, useNavigate } from 'react-router';
import type { JoinInfo } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { handOffStream } from '../../lib/media-handoff.js';
import { joinApi } from '../../lib/join-api.js';
import { isApiError } from '../../lib/api-error.js';
import {
  cleanDisplayName,
  GUEST_NAME_MAX,
  guestNameProblem,
  nameFromQuery,
} from '../../lib/guest-name.js';
import type { JoinTiming } from '../../lib/join-timing.js';
import {
  loadMediaPreferences,
  saveMediaPreferences,
  sendsVideo,
  type MediaPreferences,
} from '../../lib/media-preferences.js';
import { retryDelayMs } from '../../lib/retry-countdown.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import { MediaSetup } from './MediaSetup.js';
import { MeetingSummary } from './MeetingSummary.js';
import { PictureField } from './PictureField.js';
import { useCountdown } from './use-countdown.js';
import { useGuestPicture } from './use-guest-picture.js';
import { useLocalMedia } from './use-local-media.js';
import styles from './lobby.module.css';

const PASSWORD_MAX = 64;
/** Join answers meaning the meeting's window moved since the page loaded. */
const STALE_CODES = new Set(['JOIN_NOT_OPEN_YET', 'MEETING_ENDED', 'MEETING_CANCELLED']);

interface GuestLobbyProps {
  token: string;
  info: JoinInfo;
  timing: JoinTiming;
  /** Reloads the meeting's facts after an answer says they changed. */
  onStale: () => void;
}

export function GuestLobby({ token, info, timing, onStale }: GuestLobbyProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [name, setName] = useState(() => nameFromQuery(location.search));
  const [nameError, setNameError] = useState('');
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState('');
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);
  const [preferences, setPreferences] = useState(() => loadMediaPreferences(token));
  const nameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);

  const media = useLocalMedia({
    video: sendsVideo(preferences),
    cameraId: preferences.cameraId,
    microphoneId: preferences.microphoneId,
  });
  const picture = useGuestPicture(token);
  const retry = useRetryWait(() => setFailure(''));
  const hasVideo = (media.stream?.getVideoTracks().length ?? 0) > 0;

  function changePreferences(next: MediaPreferences) {
    setPreferences(next);
    saveMediaPreferences(token, next);
  }

  function nameProblemText(raw: string): string {
    const problem = guestNameProblem(raw);
    if (problem === 'empty') return t('lobby.nameRequired');
    if (problem === 'tooLong') return t('lobby.nameTooLong', { max: GUEST_NAME_MAX });
    return '';
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    setFailure('');
    retry.clearNotice();
    const problem = nameProblemText(name);
    setNameError(problem);
    if (problem) return nameInput.current?.focus();
    if (info.passwordRequired && !password) {
      setPasswordError(t('lobby.passwordRequired'));
      return passwordInput.current?.focus();
    }
    setPasswordError('');
    setBusy(true);
    try {
      const avatarId = await picture.avatarId();
      await joinApi.join(token, {
        displayName: cleanDisplayName(name),
        ...(avatarId ? { avatarId } : {}),
        ...(info.passwordRequired ? { password } : {}),
      });
      saveMediaPreferences(token, preferences);
      if (media.stream) handOffStream(token, media.stream);
      // The room starts now, and its page shows once the server has let it in (or soon after).
      await import('../room/room-prestart.js')
        .then(({ prestartRoom }) => prestartRoom(token))
        .catch(() => {}); // the room page starts it then
      void navigate(`/m/${encodeURIComponent(token)}/room`);
    } catch (error) {
      setBusy(false);
      showJoinError(error);
    }
  }

  function showJoinError(error: unknown) {
    if (isApiError(error, 'PASSWORD_WRONG') || isApiError(error, 'PASSWORD_REQUIRED')) {
      setPasswordError(
        t(error.code === 'PASSWORD_WRONG' ? 'lobby.passwordWrong' : 'lobby.passwordRequired'),
      );
      passwordInput.current?.select();
      return passwordInput.current?.focus();
    }
    if (isApiError(error, 'TOO_MANY_ATTEMPTS')) {
      setFailure(t('lobby.tooManyAttempts'));
      return retry.start(retryDelayMs(error.details, error.retryAfterMs));
    }
    if (isApiError(error, 'VALIDATION')) {
      setNameError(error.message);
      return nameInput.current?.focus();
    }
    if (isApiError(error) && STALE_CODES.has(error.code)) onStale();
    setFailure(errorText(t, error));
  }

  const open = timing.state === 'open';
  return (
    <div className={styles.lobby}>
      <MeetingSummary info={info} timing={timing} />
      <form
        className={styles.form}
        onSubmit={(event) => void onSubmit(event)}
        noValidate
        aria-labelledby="lobby-form-title"
      >
        <h2 id="lobby-form-title">{t('lobby.formTitle')}</h2>
        <div className={styles.columns}>
          <div>
            <Field label={t('lobby.yourName')} help={t('lobby.nameHelp')} error={nameError}>
              {(control) => (
                <input
                  {...control}
                  ref={nameInput}
                  name="displayName"
                  autoComplete="name"
                  dir="auto"
                  required
                  value={name}
                  data-testid="lobby-name"
                  onChange={(event) => {
                    setName(event.target.value);
                    if (nameError) setNameError(nameProblemText(event.target.value));
                  }}
                />
              )}
            </Field>
            <PictureField
              name={cleanDisplayName(name)}
              picture={picture}
              canTakeSelfie={hasVideo}
              onTakeSelfie={() => {
                if (videoRef.current) void picture.fromVideo(videoRef.current);
              }}
            />
            {info.passwordRequired ? (
              <Field
                label={t('lobby.password')}
                help={t('lobby.passwordHelp')}
                error={passwordError}
              >
                {(control) => (
                  <input
                    {...control}
                    ref={passwordInput}
                    name="password"
                    inputMode="numeric"
                    pattern="[0-9]*"
                    autoComplete="off"
                    spellCheck={false}
                    maxLength={PASSWORD_MAX}
                    required
                    value={password}
                    data-testid="lobby-password"
                    onChange={(event) => setPassword(event.target.value.replace(/\D/g, ''))}
                  />
                )}
              </Field>
            ) : null}
          </div>
          <MediaSetup
            preferences={preferences}
            onChange={changePreferences}
            media={media}
            videoRef={videoRef}
          />
        </div>
        <Alert>{failure}</Alert>
        <div className={styles.submitRow}>
          <Button
            type="submit"
            disabled={busy || !open || retry.seconds > 0}
            data-testid="lobby-join"
          >
            {busy ? t('lobby.joining') : t('lobby.join')}
          </Button>
          {retry.seconds > 0 ? (
            <span className={styles.countdown} data-testid="lobby-retry-countdown">
              {t('lobby.tryAgainIn', { seconds: retry.seconds })}
            </span>
          ) : null}
          {timing.state === 'not_open_yet' ? (
            <span className={styles.help}>{t('lobby.waitForOpening')}</span>
          ) : null}
        </div>
        <Notice>{busy ? t('lobby.joining') : retry.notice}</Notice>
      </form>
    </div>
  );
}

/** The wait after TOO_MANY_ATTEMPTS, and "you can try again now" said once when it is over. */
function useRetryWait(onOver: () => void) {
  const { t } = useTranslation();
  const countdown = useCountdown();
  const [waiting, setWaiting] = useState(false);
  const [notice, setNotice] = useState('');
  if (waiting && countdown.seconds === 0) {
    setWaiting(false);
    setNotice(t('lobby.canTryAgain'));
    onOver();
  }
  return {
    seconds: countdown.seconds,
    notice,
    clearNotice: () => setNotice(''),
    start: (delayMs: number) => {
      setNotice('');
      setWaiting(true);
      countdown.start(delayMs);
    },
  };
}
