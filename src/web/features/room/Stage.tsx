import { useTranslation } from '../../i18n/index.js';
import type { RoomParticipant } from '../../../shared/signaling.js';
import { Avatar } from '../../ui/Avatar.js';
import { VideoView } from './VideoView.js';
import styles from './room.module.css';

interface StageProps {
  participant: RoomParticipant | null;
  camera: MediaStream | null;
  screen: MediaStream | null;
  self: boolean;
}

/** The main area: a shared screen, else the camera, else the person's picture, large. */
export function Stage({ participant, camera, screen, self }: StageProps) {
  const { t } = useTranslation();
  if (!participant) return <div className={styles.stage} />;
  const showing =
    participant.media.screen && screen
      ? 'screen'
      : participant.media.video && camera
        ? 'camera'
        : 'avatar';
  return (
    <div
      className={styles.stage}
      data-testid="main-video"
      data-peer-id={participant.peerId}
      data-name={participant.displayName}
      data-showing={showing}
      aria-label={t(showing === 'screen' ? 'room.mainScreen' : 'room.mainPerson', {
        name: participant.displayName,
      })}
      role="img"
    >
      {showing === 'screen' && screen && (
        <VideoView stream={screen} className={styles.stageScreen} />
      )}
      {showing === 'camera' && camera && (
        <VideoView stream={camera} className={styles.stageVideo} mirrored={self} />
      )}
      {showing === 'avatar' && (
        <span className={styles.stageAvatar}>
          <Avatar name={participant.displayName} url={participant.avatarUrl} size="large" />
        </span>
      )}
      <span className={styles.stageName}>{participant.displayName}</span>
    </div>
  );
}
