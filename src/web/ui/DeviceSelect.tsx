import { useTranslation } from '../i18n/index.js';
import type { DeviceOption } from '../lib/media-devices.js';
import { Field } from './Field.js';

interface DeviceSelectProps {
  label: string;
  devices: DeviceOption[];
  /** The chosen device id; null means the system default. */
  value: string | null;
  onChange: (deviceId: string | null) => void;
  /** Said instead of the list when there is no such device. */
  noneLabel: string;
  testId: string;
}

/** A labelled picker of one kind of media device, with "System default" first. */
export function DeviceSelect(props: DeviceSelectProps) {
  const { label, devices, value, onChange, noneLabel, testId } = props;
  const { t } = useTranslation();
  const known = value !== null && devices.some((device) => device.id === value);
  return (
    <Field label={label}>
      {(control) => (
        <select
          {...control}
          data-testid={testId}
          value={known ? value : ''}
          disabled={devices.length === 0}
          onChange={(event) => onChange(event.target.value || null)}
        >
          {devices.length === 0 ? (
            <option value="">{noneLabel}</option>
          ) : (
            <>
              <option value="">{t('media.systemDefault')}</option>
              {devices.map((device) => (
                <option key={device.id} value={device.id}>
                  {device.label}
                </option>
              ))}
            </>
          )}
        </select>
      )}
    </Field>
  );
}
