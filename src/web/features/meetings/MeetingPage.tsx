import { useTranslation } from '../../i18n/index.js';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../lib/api.js';
import {
  formatInMeetingZone,
  formatMeetingWhen,
  hasEnded,
  participantName,
} from '../../lib/meeting-format.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { CopyButton } from '../../ui/CopyButton.js';
import { KindIcon } from '../../ui/KindIcon.js';
import { LockIcon } from '../../ui/LockIcon.js';
import { NotLoaded } from '../../ui/NotLoaded.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import { CancelMeeting } from './CancelMeeting.js';
import { Invitations } from './Invitations.js';
import { MeetingPassword } from './MeetingPassword.js';
import styles from './meetings.module.css';

/** One meeting: its join link to share, its details, and the organizer's edit and cancel. */
export function MeetingPage() {
  const { t, language } = useTranslation();
  const navigate = useNavigate();
  const id = useParams().id ?? '';
  const { loaded, replace } = useLoad(id, (signal) => api.meeting(id, signal));
  useDocumentTitle(loaded.status === 'ready' ? loaded.data.name : undefined);

  const back = (
    <p>
      <Link to="/meetings">← {t('meeting.backToList')}</Link>
    </p>
  );
  if (loaded.status !== 'ready') {
    return <NotLoaded loaded={loaded} back={back} notFound={t('meeting.notFound')} />;
  }

  const meeting = loaded.data;
  const cancelled = meeting.status === 'cancelled';
  const inZone = formatInMeetingZone(meeting, language);
  const canChange = meeting.isOrganizer && !cancelled && !hasEnded(meeting);

  return (
    <>
      {back}
      <h1 className={styles.pageTitle}>
        {meeting.name}
        {meeting.passwordProtected ? (
          <>
            {' '}
            <LockIcon
              label={t('meetings.passwordProtected')}
              className={styles.lock}
              data-testid="password-lock"
            />
          </>
        ) : null}
      </h1>
      {cancelled ? <Alert>{t('meeting.cancelledNotice')}</Alert> : null}

      {cancelled ? null : (
        <section className={styles.card} aria-labelledby="join-link-heading">
          <h2 id="join-link-heading">{t('meeting.joinLink')}</h2>
          <p className={styles.link} data-testid="join-link">
            {meeting.joinUrl}
          </p>
          <div className={styles.actions}>
            <CopyButton text={meeting.joinUrl} variant="primary" />
            <a href={meeting.joinUrl} target="_blank" rel="noreferrer">
              {t('meeting.openLink')}
            </a>
          </div>
        </section>
      )}

      {meeting.password !== null && !cancelled ? (
        <section className={styles.card} aria-labelledby="password-heading">
          <h2 id="password-heading">{t('meeting.password')}</h2>
          <p className={styles.muted}>{t('meeting.passwordHelp')}</p>
          <MeetingPassword password={meeting.password} />
        </section>
      ) : null}

      <dl className={styles.facts}>
        <dt>{t('meeting.when')}</dt>
        <dd>
          <time dateTime={meeting.startsAt}>{formatMeetingWhen(meeting, language, t)}</time>
          {inZone ? (
            <span className={styles.muted}>
              {' '}
              ({t('meetings.inZone', { time: inZone, zone: meeting.timeZone.replaceAll('_', ' ') })}
              )
            </span>
          ) : null}
        </dd>
        {meeting.kind === 'scheduled' ? (
          <>
            <dt>{t('meeting.duration')}</dt>
            <dd>{t('meetings.minutes', { count: meeting.durationMinutes })}</dd>
          </>
        ) : null}
        <dt>{t('meeting.organizer')}</dt>
        <dd>{meeting.organizer.displayName}</dd>
        <dt>{t('meeting.status')}</dt>
        <dd>{cancelled ? t('meeting.statusCancelled') : t('meeting.statusScheduled')}</dd>
        <dt>{t('meeting.participants')}</dt>
        <dd>
          {meeting.participants.length === 0 ? (
            t('meetings.noParticipants')
          ) : (
            <ul className={styles.participants}>
              {meeting.participants.map((participant) => (
                <li key={`${participant.kind}:${participant.address}`}>
                  <KindIcon kind={participant.kind} />
                  <span className="visually-hidden">{t(`chip.kind_${participant.kind}`)}: </span>
                  {participantName(participant)}
                  {participant.displayName ? (
                    <span className={styles.muted}> ({participant.address})</span>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>

      {canChange ? (
        <div className={styles.actions}>
          {meeting.kind === 'scheduled' ? (
            <Button
              variant="secondary"
              onClick={() => void navigate(`/meetings/${meeting.id}/edit`)}
            >
              {t('meeting.edit')}
            </Button>
          ) : null}
          <CancelMeeting meeting={meeting} onCancelled={replace} />
        </div>
      ) : null}

      {meeting.isOrganizer ? (
        // Cancelling queues a cancellation for everyone: start over to show it at once.
        <Invitations key={`${meeting.id}:${meeting.status}`} meeting={meeting} />
      ) : null}
    </>
  );
}
