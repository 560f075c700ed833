import { useEffect, type RefObject } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { canChooseSpeaker, devicesOfKind } from '../../lib/media-devices.js';
import { sendsVideo, type MediaPreferences } from '../../lib/media-preferences.js';
import { Alert } from '../../ui/Alert.js';
import { DeviceSelect } from '../../ui/DeviceSelect.js';
import { LevelMeter } from '../../ui/LevelMeter.js';
import { useMediaDevices } from '../../ui/use-media-devices.js';
import { useMicLevel, type LocalMedia } from './use-local-media.js';
import styles from './lobby.module.css';

interface MediaSetupProps {
  preferences: MediaPreferences;
  onChange: (preferences: MediaPreferences) => void;
  media: LocalMedia;
  /** The preview element, which the selfie button grabs a frame from. */
  videoRef: RefObject<HTMLVideoElement | null>;
}

/** Camera preview, microphone meter, device pickers and how to join (camera off, muted, audio only). */
export function MediaSetup({ preferences, onChange, media, videoRef }: MediaSetupProps) {
  const { t } = useTranslation();
  const devices = useMediaDevices(media.stream);
  const level = useMicLevel(media.stream);
  const hasVideo = (media.stream?.getVideoTracks().length ?? 0) > 0;
  const speakers = canChooseSpeaker();

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    video.srcObject = hasVideo ? media.stream : null;
    // Let go of the camera frame when the room takes over (see VideoView).
    return () => {
      video.srcObject = null;
    };
  }, [videoRef, media.stream, hasVideo]);

  // Without permission the browser lists no devices: say so rather than "none found".
  const denied = media.problem === 'denied';
  const set = (changes: Partial<MediaPreferences>) => onChange({ ...preferences, ...changes });

  return (
    <fieldset className={styles.media}>
      <legend className={styles.legend}>{t('lobby.devices')}</legend>
      <div className={styles.preview}>
        <video
          ref={videoRef}
          className={styles.video}
          autoPlay
          muted
          playsInline
          hidden={!hasVideo}
          aria-label={t('lobby.cameraPreview')}
          data-testid="lobby-camera-preview"
        />
        {hasVideo ? null : (
          <p className={styles.previewOff}>
            {media.starting
              ? t('lobby.startingCamera')
              : sendsVideo(preferences)
                ? t('lobby.noCameraImage')
                : t('lobby.cameraOffPreview')}
          </p>
        )}
      </div>
      {media.problem ? (
        <Alert>
          {media.cameraOnly ? t('media.cameraOnlyProblem') : t(`media.problem_${media.problem}`)}
        </Alert>
      ) : null}
      <LevelMeter label={t('media.micLevel')} value={level} testId="lobby-mic-meter" />
      <div className={styles.toggles}>
        <Toggle
          label={t('lobby.joinCameraOff')}
          checked={preferences.cameraOff || preferences.audioOnly}
          disabled={preferences.audioOnly}
          onChange={(cameraOff) => set({ cameraOff })}
          testId="lobby-camera-off"
        />
        <Toggle
          label={t('lobby.joinMuted')}
          checked={preferences.muted}
          onChange={(muted) => set({ muted })}
          testId="lobby-muted"
        />
        <Toggle
          label={t('lobby.audioOnly')}
          checked={preferences.audioOnly}
          onChange={(audioOnly) => set({ audioOnly })}
          testId="lobby-audio-only"
        />
      </div>
      <DeviceSelect
        label={t('media.camera')}
        devices={devicesOfKind(devices, 'videoinput', (n) => t('media.cameraN', { n }))}
        value={preferences.cameraId}
        onChange={(cameraId) => set({ cameraId })}
        noneLabel={denied ? t('media.noAccess') : t('media.noCamera')}
        testId="lobby-camera-select"
      />
      <DeviceSelect
        label={t('media.microphone')}
        devices={devicesOfKind(devices, 'audioinput', (n) => t('media.microphoneN', { n }))}
        value={preferences.microphoneId}
        onChange={(microphoneId) => set({ microphoneId })}
        noneLabel={denied ? t('media.noAccess') : t('media.noMicrophone')}
        testId="lobby-microphone-select"
      />
      {speakers ? (
        <DeviceSelect
          label={t('media.speaker')}
          devices={devicesOfKind(devices, 'audiooutput', (n) => t('media.speakerN', { n }))}
          value={preferences.speakerId}
          onChange={(speakerId) => set({ speakerId })}
          noneLabel={t('media.systemDefault')}
          testId="lobby-speaker-select"
        />
      ) : null}
    </fieldset>
  );
}

interface ToggleProps {
  label: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
  testId: string;
}

function Toggle({ label, checked, disabled, onChange, testId }: ToggleProps) {
  return (
    <label className={styles.toggle}>
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
        data-testid={testId}
      />
      <span>{label}</span>
    </label>
  );
}
