import type { ReactNode } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { Reaction, RoomParticipant } from '../../../shared/signaling.js';
import { Avatar } from '../../ui/Avatar.js';
import { REACTION_PICTURES } from './gestures.js';
import gestureStyles from './gestures.module.css';
import { RoomIcon } from './RoomIcons.js';
import { VideoView } from './VideoView.js';
import styles from './room.module.css';

export interface TileProps {
  participant: RoomParticipant;
  /** The camera to show; null shows the avatar (camera off, audio-only, nothing yet). */
  video: MediaStream | null;
  self: boolean;
  main: boolean;
  onSelect: () => void;
  /** The reaction shown over the tile right now, if any. */
  reaction?: Reaction | null;
  /** Whether this participant is speaking now (a ring around the tile). */
  speaking?: boolean;
  /** Hosts: the participant's menu of host actions, beside the tile's button. */
  menu?: ReactNode;
}

/** A thumbnail: a button that makes this participant the main view, for this viewer only. */
export function Tile({
  participant,
  video,
  self,
  main,
  onSelect,
  reaction,
  speaking,
  menu,
}: TileProps) {
  const { t } = useTranslation();
  const name = self
    ? t('room.youName', { name: participant.displayName })
    : participant.displayName;
  const showVideo = video !== null && participant.media.video;
  return (
    <li className={styles.tileItem}>
      <button
        type="button"
        className={`${styles.tile} ${main ? styles.tileMain : ''} ${speaking ? gestureStyles.speaking : ''}`}
        onClick={onSelect}
        aria-pressed={main}
        aria-label={t('room.showMain', { name })}
        data-testid="tile"
        data-peer-id={participant.peerId}
        data-name={participant.displayName}
        data-self={self}
        data-kind={participant.kind}
        data-video={showVideo ? 'on' : 'off'}
        data-muted={!participant.media.audio}
        data-main={main}
        data-hand={participant.handRaisedAt !== undefined}
        data-speaking={speaking === true}
        data-reaction={reaction ?? ''}
      >
        {showVideo ? (
          <VideoView stream={video} className={styles.tileVideo} mirrored={self} />
        ) : (
          <span className={styles.tileAvatar} data-testid="tile-avatar">
            <Avatar name={participant.displayName} url={participant.avatarUrl} size="medium" />
          </span>
        )}
        {reaction && (
          <span className={gestureStyles.reactionShown} aria-hidden="true">
            {REACTION_PICTURES[reaction]}
          </span>
        )}
        <span className={styles.tileLabel}>
          {participant.handRaisedAt !== undefined && (
            <span className={gestureStyles.handMark} title={t('gestures.handRaised')}>
              <span aria-hidden="true">✋</span>
              <span className="visually-hidden">{t('gestures.handRaised')}</span>
            </span>
          )}
          {!participant.media.audio && (
            <span className={styles.mutedMark} title={t('room.muted')}>
              <RoomIcon name="micOff" />
              <span className="visually-hidden">{t('room.muted')}</span>
            </span>
          )}
          <span className={styles.tileName}>{name}</span>
          {speaking && <span className="visually-hidden">{t('gestures.speaking')}</span>}
          {participant.kind === 'member' && (
            <span className={styles.memberBadge} data-testid="member-badge">
              {t('room.member')}
            </span>
          )}
          {participant.reconnecting && (
            <span className={styles.reconnectingMark} data-testid="tile-reconnecting">
              {t('room.reconnectingShort')}
            </span>
          )}
        </span>
      </button>
      {menu}
    </li>
  );
}
