import { useTranslation } from '../../i18n/index.js';
import type { RoomParticipant } from '../../../shared/signaling.js';
import type { HostCommand } from './signaling-client.js';
import styles from './hosts.module.css';

interface TileHostMenuProps {
  participant: RoomParticipant;
  onCommand: (command: HostCommand) => void;
}

/** Hosts: a participant's tile menu (mute, stop camera, remove), a disclosure beside the tile. */
export function TileHostMenu({ participant, onCommand }: TileHostMenuProps) {
  const { t } = useTranslation();
  const { peerId, displayName: name, media } = participant;
  return (
    <details className={styles.tileMenu} data-testid="tile-host-menu">
      <summary aria-label={t('hosts.tileMenu', { name })}>⋯</summary>
      <div className={styles.actions}>
        <button
          type="button"
          disabled={!media.audio}
          onClick={() => onCommand({ type: 'mute', peerId, what: 'audio' })}
          aria-label={t('hosts.muteName', { name })}
        >
          {t('hosts.mute')}
        </button>
        <button
          type="button"
          disabled={!media.video}
          onClick={() => onCommand({ type: 'mute', peerId, what: 'video' })}
          aria-label={t('hosts.stopVideoName', { name })}
        >
          {t('hosts.stopVideo')}
        </button>
        <button
          type="button"
          className={styles.danger}
          onClick={() => onCommand({ type: 'remove', peerId })}
          aria-label={t('hosts.removeName', { name })}
        >
          {t('hosts.remove')}
        </button>
      </div>
    </details>
  );
}
