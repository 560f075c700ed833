import { useTranslation } from '../../i18n/index.js';
import { Link } from 'react-router';
import type { Meeting } from '../../../shared/api.js';
import { formatMeetingWhen, participantsSummary } from '../../lib/meeting-format.js';
import { CopyButton } from '../../ui/CopyButton.js';
import { LockIcon } from '../../ui/LockIcon.js';
import styles from './meetings.module.css';

/** How many invitees said yes, no and maybe (the organizer's view). */
function AnswerCounts({ participants }: { participants: Meeting['participants'] }) {
  const { t } = useTranslation();
  const count = (response: string | null) =>
    participants.filter((p) => p.response === response).length;
  const counts = { yes: count('yes'), no: count('no'), maybe: count('maybe'), none: count(null) };
  return (
    <p className={styles.rowMeta} data-testid="answer-counts">
      <span aria-hidden="true">{t('answers.summary', counts)}</span>
      <span className="visually-hidden">{t('answers.summaryLabel', counts)}</span>
    </p>
  );
}

/** One meeting in the list: name (link to its page), when, who, and its join link to copy. */
export function MeetingRow({ meeting }: { meeting: Meeting }) {
  const { t, language } = useTranslation();
  const cancelled = meeting.status === 'cancelled';
  const { names, more } = participantsSummary(meeting.participants);
  return (
    <li className={styles.row} data-testid="meeting-row" data-meeting-id={meeting.id}>
      <div className={styles.rowMain}>
        <h3 className={styles.rowTitle}>
          <Link to={`/meetings/${meeting.id}`}>{meeting.name}</Link>
          {meeting.passwordProtected ? (
            <LockIcon
              label={t('meetings.passwordProtected')}
              className={styles.lock}
              data-testid="password-lock"
            />
          ) : null}
          {cancelled ? (
            <span className={styles.badgeCancelled}>{t('meetings.cancelled')}</span>
          ) : null}
          {meeting.kind === 'quick' ? (
            <span className={styles.badge}>{t('meetings.quick')}</span>
          ) : null}
        </h3>
        <p className={styles.rowWhen}>
          <time dateTime={meeting.startsAt}>{formatMeetingWhen(meeting, language, t)}</time>
        </p>
        <p className={styles.rowMeta}>
          {meeting.isOrganizer
            ? t('meetings.organizedByYou')
            : t('meetings.organizedBy', { name: meeting.organizer.displayName })}
          {' · '}
          {meeting.participants.length === 0
            ? t('meetings.noParticipants')
            : more > 0
              ? t('meetings.andMore', { names, count: more })
              : names}
        </p>
        {meeting.isOrganizer && meeting.participants.length > 0 ? (
          <AnswerCounts participants={meeting.participants} />
        ) : null}
      </div>
      {cancelled ? null : (
        <div className={styles.rowActions}>
          <CopyButton text={meeting.joinUrl} context={meeting.name} />
        </div>
      )}
    </li>
  );
}
