import { useTranslation } from '../../i18n/index.js';
import type { RoomParticipant } from '../../../shared/signaling.js';
import type { HostCommand } from './signaling-client.js';
import { PersonBadge } from './PersonBadge.js';
import styles from './hosts.module.css';

interface ParticipantsPanelProps {
  participants: RoomParticipant[];
  selfId: string | null;
  /** Hosts get the actions; everyone else sees the list. */
  host: boolean;
  locked: boolean;
  onCommand: (command: HostCommand) => void;
  onClose: () => void;
}

/** Everyone in the room; for hosts, mute, stop camera and remove each one, and the meeting's controls. */
export function ParticipantsPanel(props: ParticipantsPanelProps) {
  const { participants, selfId, host, locked, onCommand, onClose } = props;
  const { t } = useTranslation();
  return (
    <aside className={styles.panel} aria-labelledby="people-title" data-testid="room-people">
      <div className={styles.panelHeader}>
        <h2 id="people-title">{t('hosts.peopleTitle', { count: participants.length })}</h2>
        <button type="button" className={styles.actions} onClick={onClose}>
          {t('hosts.close')}
        </button>
      </div>
      {host && (
        <div className={styles.hostBar} role="group" aria-label={t('hosts.meetingControls')}>
          <button
            type="button"
            onClick={() => onCommand({ type: 'muteAll' })}
            data-testid="room-mute-all"
          >
            {t('hosts.muteAll')}
          </button>
          <button
            type="button"
            aria-pressed={locked}
            onClick={() => onCommand({ type: 'lock', locked: !locked })}
            data-testid="room-lock"
          >
            {t(locked ? 'hosts.unlock' : 'hosts.lock')}
          </button>
          <button
            type="button"
            className={styles.danger}
            onClick={() => {
              if (globalThis.confirm(t('hosts.endConfirm'))) onCommand({ type: 'endMeeting' });
            }}
            data-testid="room-end-all"
          >
            {t('hosts.endForAll')}
          </button>
        </div>
      )}
      <ul className={styles.people}>
        {participants.map((p) => {
          const self = p.peerId === selfId;
          const name = self ? t('room.you') : p.displayName;
          return (
            <li key={p.peerId} className={styles.person} data-testid="room-person">
              <PersonBadge name={p.displayName} avatarUrl={p.avatarUrl} />
              <span className={styles.name}>
                {name}
                {p.host ? ` · ${t('hosts.hostLabel')}` : ''}
              </span>
              {host && !self && (
                <span className={styles.actions}>
                  <button
                    type="button"
                    disabled={!p.media.audio}
                    onClick={() => onCommand({ type: 'mute', peerId: p.peerId, what: 'audio' })}
                    aria-label={t('hosts.muteName', { name: p.displayName })}
                    data-testid="room-person-mute"
                  >
                    {t('hosts.mute')}
                  </button>
                  <button
                    type="button"
                    disabled={!p.media.video}
                    onClick={() => onCommand({ type: 'mute', peerId: p.peerId, what: 'video' })}
                    aria-label={t('hosts.stopVideoName', { name: p.displayName })}
                    data-testid="room-person-stop-video"
                  >
                    {t('hosts.stopVideo')}
                  </button>
                  <button
                    type="button"
                    className={styles.danger}
                    onClick={() => onCommand({ type: 'remove', peerId: p.peerId })}
                    aria-label={t('hosts.removeName', { name: p.displayName })}
                    data-testid="room-person-remove"
                  >
                    {t('hosts.remove')}
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
