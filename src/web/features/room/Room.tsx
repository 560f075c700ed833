import { useCallback, useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { loadMediaPreferences } from '../../lib/media-preferences.js';
import { ChatPanel } from './ChatPanel.js';
import { Controls } from './Controls.js';
import { DeviceSettings } from './DeviceSettings.js';
import type { RoomParticipant } from '../../../shared/signaling.js';
import { GestureControls } from './GestureControls.js';
import { GridView } from './GridView.js';
import { HandsQueue } from './HandsQueue.js';
import { ViewControls } from './ViewControls.js';
import { KnockNotice } from './KnockNotice.js';
import { ModerationNotice } from './ModerationNotice.js';
import { ParticipantsPanel } from './ParticipantsPanel.js';
import { TileHostMenu } from './TileHostMenu.js';
import { canShareScreen } from './local-media.js';
import { mainOf, type RoomSession, type RoomState } from './room-session.js';
import { Stage } from './Stage.js';
import { Tile } from './Tile.js';
import { RemoteAudio, resumeAllAudio } from './VideoView.js';
import styles from './room.module.css';
import hostStyles from './hosts.module.css';

interface RoomProps {
  room: RoomSession;
  state: RoomState;
  token: string;
  meetingName: string;
}

/** The room: main video behind, thumbnails at the upper right, controls below, chat aside. */
export function Room({ room, state, token, meetingName }: RoomProps) {
  const { t } = useTranslation();
  const [panel, setPanel] = useState<'chat' | 'settings' | 'people' | null>(null);
  const [audioOnly] = useState(() => loadMediaPreferences(token).audioOnly);
  const unread = useUnread(state.chat.length, panel === 'chat');
  const [soundBlocked, setSoundBlocked] = useState(false);
  const onSoundBlocked = useCallback(() => setSoundBlocked(true), []);
  const { selfId, participants, remote, local } = state;

  const mainId = mainOf(state);
  const main = participants.find((p) => p.peerId === mainId) ?? null;
  const me = participants.find((p) => p.peerId === selfId);
  const cameraOf = (peerId: string) =>
    peerId === selfId ? local.camera : audioOnly ? null : (remote[peerId]?.camera ?? null);
  const screenOf = (peerId: string) =>
    peerId === selfId ? local.screen : audioOnly ? null : (remote[peerId]?.screen ?? null);
  const renderTile = (participant: RoomParticipant) => {
    const isSelf = participant.peerId === selfId;
    const shown = isSelf
      ? {
          ...participant,
          media: { ...participant.media, audio: local.mic, video: local.camera !== null },
        }
      : participant;
    return (
      <Tile
        key={participant.peerId}
        participant={shown}
        video={cameraOf(participant.peerId)}
        self={isSelf}
        main={!state.grid && participant.peerId === mainId}
        onSelect={() => {
          room.pin(participant.peerId);
          if (state.grid) room.setGrid(false);
        }}
        reaction={state.reactions[participant.peerId]?.reaction ?? null}
        speaking={state.speaking.includes(participant.peerId)}
        menu={
          state.host && !isSelf ? (
            <TileHostMenu participant={participant} onCommand={(c) => room.host(c)} />
          ) : undefined
        }
      />
    );
  };

  return (
    <div className={styles.room} data-testid="room" data-status={state.status}>
      <h1 className="visually-hidden">{t('room.title', { name: meetingName })}</h1>
      {state.grid ? (
        <GridView participants={participants} tile={renderTile} />
      ) : (
        <>
          {main && (
            <Stage
              participant={main}
              camera={cameraOf(main.peerId)}
              screen={screenOf(main.peerId)}
              self={main.peerId === selfId}
            />
          )}
          <nav
            className={styles.thumbnails}
            aria-label={t('room.participants', { count: participants.length })}
          >
            <ul className={styles.tileRow} data-testid="thumbnails">
              {participants.map(renderTile)}
            </ul>
          </nav>
        </>
      )}
      <HandsQueue
        participants={participants}
        selfId={selfId}
        host={me?.host === true}
        onLower={(peerId) => room.setHand(false, peerId === selfId ? undefined : peerId)}
      />
      {state.status !== 'connected' && (
        <p className={styles.connection} role="status" data-testid="room-connection">
          {t(state.status === 'reconnecting' ? 'room.reconnecting' : 'room.connecting')}
        </p>
      )}
      {soundBlocked && (
        <button
          type="button"
          className={styles.soundBlocked}
          onClick={() => {
            resumeAllAudio();
            setSoundBlocked(false);
          }}
          data-testid="room-enable-sound"
        >
          {t('room.enableSound')}
        </button>
      )}
      {state.mediaProblem && (
        <p className={styles.mediaProblem} role="alert">
          {t(`media.problem_${state.mediaProblem}`)}
        </p>
      )}
      {panel === 'chat' && (
        <ChatPanel
          messages={state.chat}
          selfId={selfId}
          failed={state.chatFailed}
          onSend={(text) => room.sendChat(text)}
          onClose={() => setPanel(null)}
        />
      )}
      {state.host && (
        <KnockNotice
          knocks={state.knocks}
          onAdmit={(waitingId) => room.host({ type: 'admit', waitingId })}
          onDeny={(waitingId) => room.host({ type: 'deny', waitingId })}
          onAdmitAll={() => room.host({ type: 'admitAll' })}
        />
      )}
      {state.moderation && (
        <ModerationNotice
          moderation={state.moderation}
          onDismiss={() => room.dismissModeration()}
        />
      )}
      {state.locked && (
        <p className={hostStyles.locked} role="status" data-testid="room-locked">
          {t('hosts.lockedBadge')}
        </p>
      )}
      {panel === 'people' && (
        <ParticipantsPanel
          participants={participants}
          selfId={selfId}
          host={state.host}
          locked={state.locked}
          onCommand={(command) => room.host(command)}
          onClose={() => setPanel(null)}
        />
      )}
      {panel === 'settings' && (
        <DeviceSettings
          token={token}
          onChange={(kind, id) => room.switchDevice(kind, id)}
          onClose={() => setPanel(null)}
        />
      )}
      <Controls
        mic={local.mic}
        camera={local.camera !== null}
        screen={local.screen !== null}
        canShareScreen={canShareScreen()}
        audioOnly={audioOnly}
        chatOpen={panel === 'chat'}
        unread={unread}
        settingsOpen={panel === 'settings'}
        peopleOpen={panel === 'people'}
        onPeople={() => setPanel(panel === 'people' ? null : 'people')}
        onMic={() => room.toggleMic()}
        onCamera={() => void room.toggleCamera()}
        onScreen={() => void room.toggleScreen()}
        onChat={() => setPanel(panel === 'chat' ? null : 'chat')}
        onSettings={() => setPanel(panel === 'settings' ? null : 'settings')}
        onLeave={() => room.leave()}
        extra={
          <>
            <GestureControls
              handRaised={me?.handRaisedAt !== undefined}
              onHand={(raised) => room.setHand(raised)}
              onReact={(reaction) => room.react(reaction)}
            />
            <ViewControls
              followSpeaker={state.followSpeaker}
              onFollowSpeaker={(on) => room.setFollowSpeaker(on)}
              grid={state.grid}
              onGrid={(on) => room.setGrid(on)}
            />
          </>
        }
      />
      {participants.map((participant) => {
        const audio = remote[participant.peerId]?.audio;
        return audio && participant.peerId !== selfId ? (
          <RemoteAudio key={participant.peerId} stream={audio} onBlocked={onSoundBlocked} />
        ) : null;
      })}
    </div>
  );
}

/** Messages that arrived while the chat was closed. */
function useUnread(count: number, open: boolean): number {
  const [seen, setSeen] = useState(count);
  if (open && seen !== count) setSeen(count);
  return open ? 0 : Math.max(0, count - seen);
}
