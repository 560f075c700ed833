import { useEffect, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { useNavigate } from 'react-router';
import type { JoinInfo } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { joinApi } from '../../lib/join-api.js';
import { isApiError } from '../../lib/api-error.js';
import type { JoinTiming } from '../../lib/join-timing.js';
import { Alert } from '../../ui/Alert.js';
import { Avatar } from '../../ui/Avatar.js';
import { Button } from '../../ui/Button.js';
import { MeetingSummary } from './MeetingSummary.js';
import styles from './lobby.module.css';

interface MemberJoinProps {
  token: string;
  info: JoinInfo;
  viewer: NonNullable<JoinInfo['viewer']>;
  timing: JoinTiming;
}

/** Answers that the meeting summary already explains; no need to repeat them in red. */
const SHOWN_BY_STATE = new Set(['JOIN_NOT_OPEN_YET', 'MEETING_ENDED', 'MEETING_CANCELLED']);

/**
 * A logged-in member skips the lobby: join under the account at once and go to the room. If the
 * meeting is not open yet, show its state and try again by itself when it opens.
 */
export function MemberJoin({ token, info, viewer, timing }: MemberJoinProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [attempt, setAttempt] = useState(0);
  const [failure, setFailure] = useState<unknown>(null);
  const [seenState, setSeenState] = useState(timing.state);

  if (seenState !== timing.state) {
    setSeenState(timing.state);
    if (timing.state === 'open' && failure !== null) {
      setFailure(null);
      setAttempt((n) => n + 1);
    }
  }

  useEffect(() => {
    const controller = new AbortController();
    joinApi.join(token, {}, controller.signal).then(
      () => void navigate(`/m/${encodeURIComponent(token)}/room`, { replace: true }),
      (error: unknown) => {
        if (!controller.signal.aborted) setFailure(error);
      },
    );
    return () => controller.abort();
  }, [token, attempt, navigate]);

  if (failure === null) {
    return (
      <section className={styles.card} data-testid="member-joining">
        <div className={styles.joiningAs}>
          <Avatar name={viewer.displayName} url={viewer.avatarUrl} size="large" />
          <p role="status">{t('lobby.joiningAs', { name: viewer.displayName })}</p>
        </div>
      </section>
    );
  }
  const explained = isApiError(failure) && SHOWN_BY_STATE.has(failure.code);
  return (
    <div className={styles.lobby}>
      <MeetingSummary info={info} timing={timing} />
      <div className={styles.card}>
        {explained ? null : <Alert>{errorText(t, failure)}</Alert>}
        {timing.state === 'not_open_yet' ? (
          <p className={styles.help}>{t('lobby.waitForOpening')}</p>
        ) : null}
        <Button
          disabled={timing.state !== 'open'}
          onClick={() => {
            setFailure(null);
            setAttempt((n) => n + 1);
          }}
          data-testid="lobby-join"
        >
          {t('lobby.join')}
        </Button>
      </div>
    </div>
  );
}
