import { useState } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { devicesOfKind } from '../../lib/media-devices.js';
import { loadMediaPreferences, saveMediaPreferences } from '../../lib/media-preferences.js';
import { Notice } from '../../ui/Alert.js';
import { DeviceSelect } from '../../ui/DeviceSelect.js';
import { useMediaDevices } from '../../ui/use-media-devices.js';
import styles from './room.module.css';

interface DeviceSettingsProps {
  token: string;
  onChange: (kind: 'camera' | 'microphone', deviceId: string | null) => Promise<void>;
  onClose: () => void;
}

/** Camera and microphone pickers; a change applies at once and is kept for this meeting. */
export function DeviceSettings({ token, onChange, onClose }: DeviceSettingsProps) {
  const { t } = useTranslation();
  const devices = useMediaDevices();
  const [preferences, setPreferences] = useState(() => loadMediaPreferences(token));
  const [notice, setNotice] = useState('');

  function change(kind: 'camera' | 'microphone', deviceId: string | null) {
    const next =
      kind === 'camera'
        ? { ...preferences, cameraId: deviceId }
        : { ...preferences, microphoneId: deviceId };
    setPreferences(next);
    saveMediaPreferences(token, next);
    onChange(kind, deviceId).then(
      () => setNotice(t('room.saved')),
      () => setNotice(t('room.deviceFailed')),
    );
  }

  return (
    <section
      className={styles.settings}
      aria-labelledby="device-settings-title"
      data-testid="room-settings"
    >
      <div className={styles.chatHeader}>
        <h2 id="device-settings-title">{t('room.deviceSettings')}</h2>
        <button type="button" className={styles.chatClose} onClick={onClose}>
          {t('room.closeSettings')}
        </button>
      </div>
      <DeviceSelect
        label={t('media.camera')}
        devices={devicesOfKind(devices, 'videoinput', (n) => t('media.cameraN', { n }))}
        value={preferences.cameraId}
        onChange={(id) => change('camera', id)}
        noneLabel={t('media.noCamera')}
        testId="room-camera-select"
      />
      <DeviceSelect
        label={t('media.microphone')}
        devices={devicesOfKind(devices, 'audioinput', (n) => t('media.microphoneN', { n }))}
        value={preferences.microphoneId}
        onChange={(id) => change('microphone', id)}
        noneLabel={t('media.noMicrophone')}
        testId="room-microphone-select"
      />
      <Notice>{notice}</Notice>
    </section>
  );
}
