import type { ReactNode } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { RoomIcon, type RoomIconName } from './RoomIcons.js';
import styles from './room.module.css';

interface ControlsProps {
  mic: boolean;
  camera: boolean;
  screen: boolean;
  canShareScreen: boolean;
  /** Audio-only guests have no camera button. */
  audioOnly: boolean;
  chatOpen: boolean;
  unread: number;
  settingsOpen: boolean;
  peopleOpen: boolean;
  onPeople: () => void;
  onMic: () => void;
  onCamera: () => void;
  onScreen: () => void;
  onChat: () => void;
  onSettings: () => void;
  onLeave: () => void;
  /** More buttons before Leave (hand, reactions). */
  extra?: ReactNode;
}

export function Controls(props: ControlsProps) {
  const { t } = useTranslation();
  return (
    <div className={styles.controls} role="toolbar" aria-label={t('room.controls')}>
      <ControlButton
        icon={props.mic ? 'mic' : 'micOff'}
        label={t('room.microphone')}
        pressed={props.mic}
        off={!props.mic}
        onClick={props.onMic}
        testId="room-mic"
      />
      {!props.audioOnly && (
        <ControlButton
          icon={props.camera ? 'camera' : 'cameraOff'}
          label={t('room.camera')}
          pressed={props.camera}
          off={!props.camera}
          onClick={props.onCamera}
          testId="room-camera"
        />
      )}
      {props.canShareScreen && !props.audioOnly && (
        <ControlButton
          icon="screen"
          label={t('room.shareScreen')}
          pressed={props.screen}
          onClick={props.onScreen}
          testId="room-screen"
        />
      )}
      <ControlButton
        icon="chat"
        label={props.unread ? t('room.chatUnread', { count: props.unread }) : t('room.chat')}
        pressed={props.chatOpen}
        onClick={props.onChat}
        testId="room-chat-toggle"
        badge={props.unread}
      />
      <ControlButton
        icon="people"
        label={t('hosts.people')}
        pressed={props.peopleOpen}
        onClick={props.onPeople}
        testId="room-people-toggle"
      />
      <ControlButton
        icon="settings"
        label={t('room.deviceSettings')}
        pressed={props.settingsOpen}
        onClick={props.onSettings}
        testId="room-settings-toggle"
      />
      {props.extra}
      <button
        type="button"
        className={`${styles.control} ${styles.leave}`}
        onClick={props.onLeave}
        data-testid="room-leave"
      >
        <RoomIcon name="leave" />
        <span className={styles.controlLabel}>{t('room.leave')}</span>
      </button>
    </div>
  );
}

interface ControlButtonProps {
  icon: RoomIconName;
  label: string;
  pressed: boolean;
  off?: boolean;
  onClick: () => void;
  testId: string;
  badge?: number;
}

function ControlButton({ icon, label, pressed, off, onClick, testId, badge }: ControlButtonProps) {
  return (
    <button
      type="button"
      className={`${styles.control} ${off ? styles.controlOff : ''} ${pressed && !off ? styles.controlOn : ''}`}
      aria-pressed={pressed}
      onClick={onClick}
      data-testid={testId}
    >
      <RoomIcon name={icon} />
      <span className={styles.controlLabel}>{label}</span>
      {badge ? (
        <span className={styles.badge} aria-hidden="true">
          {badge}
        </span>
      ) : null}
    </button>
  );
}
