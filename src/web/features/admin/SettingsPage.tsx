import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { AdminSettings, SettingName } from '../../../shared/api.js';
import { SETTINGS_LIMITS } from '../../../shared/settings-limits.js';
import { errorText } from '../../i18n/error-text.js';
import { api } from '../../lib/api.js';
import { isApiError } from '../../lib/api-error.js';
import { Alert, Notice } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import { LoadFailure } from '../../ui/LoadFailure.js';
import { Loading } from '../../ui/Loading.js';
import { useDocumentTitle } from '../../ui/use-document-title.js';
import { useLoad } from '../../ui/use-load.js';
import styles from './admin.module.css';
import { LogoSettings } from './LogoSettings.js';
import {
  checkSettings,
  formValues,
  type NumberSetting,
  serverProblems,
  settingsChanges,
  type SettingsProblem,
  type SettingsValues,
} from './settings-form.js';

type Problems = Partial<Record<SettingName, SettingsProblem>>;

/** Admins: settings stored in the database, effective at once; an empty field follows the default. */
export function SettingsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('settings.title'));
  const { loaded, reload, replace } = useLoad('admin-settings', (signal) =>
    api.adminSettings(signal),
  );
  if (loaded.status === 'loading') return <Loading />;
  if (loaded.status === 'failed') return <LoadFailure error={loaded.error} onRetry={reload} />;
  return (
    <>
      <h1>{t('settings.title')}</h1>
      <p className={styles.intro}>{t('settings.intro')}</p>
      <SettingsForm admin={loaded.data} onSaved={replace} />
      <LogoSettings admin={loaded.data} onChanged={replace} />
    </>
  );
}

function SettingsForm({
  admin,
  onSaved,
}: {
  admin: AdminSettings;
  onSaved: (admin: AdminSettings) => void;
}) {
  const { t, language } = useTranslation();
  const form = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<SettingsValues>(() => formValues(admin));
  const [problems, setProblems] = useState<Problems>({});
  const [failure, setFailure] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const { defaults } = admin;

  /** Moves keyboard focus to the first field with an error, once it is on the page. */
  const focusFirstProblem = () =>
    requestAnimationFrame(() =>
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
    );

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    setFailure('');
    const found = checkSettings(values);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      focusFirstProblem();
      return;
    }
    setBusy(true);
    try {
      const next = await api.updateSettings(settingsChanges(values));
      onSaved(next);
      // What the server kept, e.g. a name with its stray spaces and control characters removed.
      setValues(formValues(next));
      setSaved(true);
    } catch (error) {
      const fromServer = isApiError(error) ? serverProblems(error.code, error.details) : {};
      if (Object.keys(fromServer).length > 0) {
        setProblems(fromServer);
        focusFirstProblem();
      } else {
        setFailure(errorText(t, error));
      }
    } finally {
      setBusy(false);
    }
  }

  const problemText = (problem: SettingsProblem | undefined) => {
    if (!problem) return undefined;
    if (problem.kind === 'region') return t('settings.regionInvalid');
    return t(problem.kind === 'length' ? 'settings.nameLength' : 'settings.outOfRange', {
      min: problem.min,
      max: problem.max,
    });
  };

  const regionName = (code: string) => {
    try {
      return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? code;
    } catch {
      return code;
    }
  };

  const input = (
    name: Exclude<SettingName, 'waitingRoomDefault'>,
    help: string,
    props: Record<string, string | number>,
  ) => (
    <Field label={t(`settings.${name}`)} help={help} error={problemText(problems[name])}>
      {(control) => (
        <input
          {...control}
          {...props}
          name={name}
          data-testid={`setting-${name}`}
          placeholder={String(defaults[name] ?? '')}
          value={values[name]}
          onChange={(event) => {
            setSaved(false);
            setValues((previous) => ({ ...previous, [name]: event.target.value }));
          }}
        />
      )}
    </Field>
  );

  const number = (
    name: NumberSetting,
    helpKey:
      | 'settings.meetingPasswordLengthHelp'
      | 'settings.minutesHelp'
      | 'settings.p2pRoomCapHelp'
      | 'settings.reminderHelp',
  ) => {
    const { min, max } = SETTINGS_LIMITS[name];
    const value = defaults[name] ?? t('settings.noReminder');
    return input(name, t(helpKey, { min, max, value }), {
      type: 'number',
      inputMode: 'numeric',
      min,
      max,
      step: 1,
    });
  };

  return (
    <form
      ref={form}
      onSubmit={(event) => void onSubmit(event)}
      noValidate
      className={styles.card}
      aria-labelledby="settings-form-title"
    >
      <h2 id="settings-form-title">{t('settings.formTitle')}</h2>
      <Alert>{failure}</Alert>
      <fieldset className={styles.fieldset}>
        <legend>{t('settings.organizationTitle')}</legend>
        {input(
          'organizationName',
          t('settings.organizationNameHelp', {
            value: defaults.organizationName,
            max: SETTINGS_LIMITS.organizationName.max,
          }),
          { type: 'text', autoComplete: 'organization' },
        )}
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend>{t('settings.meetingsTitle')}</legend>
        <div className={styles.grid}>
          {number('meetingPasswordLength', 'settings.meetingPasswordLengthHelp')}
          {input(
            'defaultPhoneRegion',
            t('settings.defaultPhoneRegionHelp', {
              value: `${defaults.defaultPhoneRegion} (${regionName(defaults.defaultPhoneRegion)})`,
            }),
            { type: 'text', autoComplete: 'off', maxLength: 2, autoCapitalize: 'characters' },
          )}
        </div>
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend>{t('settings.remindersTitle')}</legend>
        <div className={styles.grid}>
          {number('emailReminderMinutes', 'settings.reminderHelp')}
          {number('smsReminderMinutes', 'settings.reminderHelp')}
        </div>
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend>{t('settings.lobbyTitle')}</legend>
        <div className={styles.grid}>
          {number('joinOpensMinutesBefore', 'settings.minutesHelp')}
          {number('joinClosesMinutesAfter', 'settings.minutesHelp')}
        </div>
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend>{t('settings.roomsTitle')}</legend>
        <div className={styles.grid}>
          {number('p2pRoomCap', 'settings.p2pRoomCapHelp')}
          <Field
            label={t('settings.waitingRoomDefault')}
            help={t('settings.waitingRoomDefaultHelp', {
              value: t(defaults.waitingRoomDefault ? 'settings.on' : 'settings.off'),
            })}
          >
            {(control) => (
              <select
                {...control}
                name="waitingRoomDefault"
                data-testid="setting-waitingRoomDefault"
                value={values.waitingRoomDefault}
                onChange={(event) => {
                  setSaved(false);
                  setValues((previous) => ({
                    ...previous,
                    waitingRoomDefault: event.target.value,
                  }));
                }}
              >
                <option value="">
                  {t('settings.byDefault', {
                    value: t(defaults.waitingRoomDefault ? 'settings.on' : 'settings.off'),
                  })}
                </option>
                <option value="on">{t('settings.on')}</option>
                <option value="off">{t('settings.off')}</option>
              </select>
            )}
          </Field>
        </div>
      </fieldset>
      <Button type="submit" disabled={busy} data-testid="settings-save">
        {busy ? t('settings.saving') : t('settings.save')}
      </Button>
      <Notice>{saved ? t('settings.saved') : ''}</Notice>
    </form>
  );
}
