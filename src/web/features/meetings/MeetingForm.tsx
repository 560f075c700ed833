import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import type { CreateMeetingBody, Meeting, Invitee } from '../../../shared/api.js';
import { errorText } from '../../i18n/error-text.js';
import { isApiError } from '../../lib/api-error.js';
import { splitParticipants } from '../../lib/participant-input.js';
import { timeZoneChoices } from '../../lib/time-zone.js';
import { useMember } from '../../session/session-context.js';
import { Alert } from '../../ui/Alert.js';
import { Button } from '../../ui/Button.js';
import { Field } from '../../ui/Field.js';
import {
  DURATION_MAX,
  DURATION_MIN,
  NAME_MAX,
  checkMeetingValues,
  meetingBody,
  reminderChoices,
  type MeetingFieldProblem,
  type MeetingFormValues,
} from './meeting-form-values.js';
import {
  PASSWORD_MAX,
  PASSWORD_MIN,
  passwordProblem,
  passwordValues,
  type PasswordValues,
} from './meeting-password.js';
import styles from './meetings.module.css';
import { ParticipantInput } from './ParticipantInput.js';
import { PasswordFieldset } from './PasswordFieldset.js';
import { chipValue, useParticipantChips } from './use-participant-chips.js';
import { HostingFieldset, hostingBody, type HostingValues } from './HostingFieldset.js';

type FieldName = MeetingFieldProblem['field'] | 'participants' | 'password';
type FieldErrors = Partial<Record<FieldName, string>>;

interface MeetingFormProps {
  initialValues: MeetingFormValues;
  initialParticipants?: Invitee[];
  /** The meeting being edited; absent for a new one. */
  saved?: Meeting;
  /** `password` is what the password fieldset holds; only admins see it and can change it. */
  save: (body: CreateMeetingBody, password: PasswordValues) => Promise<Meeting>;
  onSaved: (meeting: Meeting) => void;
  onCancel: () => void;
}

/** The form to create or edit a scheduled meeting. */
export function MeetingForm(props: MeetingFormProps) {
  const { initialValues, initialParticipants, saved, save, onSaved, onCancel } = props;
  const { t } = useTranslation();
  // The manual: only the system admin sets passwords; the member app never offers it.
  const isAdmin = useMember().role === 'admin';
  const form = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState(initialValues);
  const [password, setPassword] = useState(() => passwordValues(saved));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);
  const chips = useParticipantChips(initialParticipants);
  const [hosting, setHosting] = useState<HostingValues>(() => ({
    waitingRoom: saved?.waitingRoom ?? null,
    cohosts: saved?.cohosts ?? [],
  }));
  const zones = useMemo(() => timeZoneChoices(initialValues.timeZone), [initialValues.timeZone]);

  const set = (field: keyof MeetingFormValues) => (value: string) => {
    setValues((previous) => ({ ...previous, [field]: value }));
    // An error stays until its field is touched again, so it never contradicts what is shown.
    setErrors((previous) => ({ ...previous, [field]: undefined }));
  };
  const participantsError = chips.chips.some((chip) => chip.status === 'invalid')
    ? errors.participants
    : undefined;

  function problemText(problem: MeetingFieldProblem): string {
    switch (problem.field) {
      case 'name':
        return problem.problem === 'required'
          ? t('form.nameRequired')
          : t('form.nameTooLong', { max: NAME_MAX });
      case 'wallTime':
        return problem.problem === 'required'
          ? t('form.dateTimeRequired')
          : t('form.dateTimeInPast');
      case 'timeZone':
        return t('errors.BAD_TIME_ZONE');
      case 'durationMinutes':
        return t('form.durationInvalid', { min: DURATION_MIN, max: DURATION_MAX });
    }
  }

  function reminderLabel(choice: string): string {
    if (choice === 'default') return t('form.reminderDefault');
    if (choice === 'none') return t('form.reminderNone');
    const minutes = Number(choice);
    if (minutes % (24 * 60) === 0) return t('form.reminderDays', { count: minutes / (24 * 60) });
    if (minutes % 60 === 0) return t('form.reminderHours', { count: minutes / 60 });
    return t('form.reminderMinutes', { count: minutes });
  }

  function showErrors(found: FieldErrors) {
    setErrors(found);
    // After React paints the messages, take the keyboard to the first field that needs work.
    requestAnimationFrame(() => {
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    });
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFailure('');
    const pending = splitParticipants(chips.text);
    const entries = pending.length > 0 ? chips.add(pending) : chips.chips;
    chips.setText('');

    const found: FieldErrors = {};
    for (const problem of checkMeetingValues(values)) found[problem.field] ??= problemText(problem);
    if (entries.some((chip) => chip.status === 'invalid')) {
      found.participants = t('form.participantsInvalid');
    }
    if (isAdmin && passwordProblem(password)) {
      found.password = t('form.passwordInvalid', { min: PASSWORD_MIN, max: PASSWORD_MAX });
    }
    if (Object.keys(found).length > 0) return showErrors(found);
    setErrors({});

    setBusy(true);
    try {
      const body = meetingBody(values, entries.map(chipValue));
      onSaved(await save({ ...body, ...hostingBody(hosting, entries) }, password));
    } catch (error) {
      setBusy(false);
      if (isApiError(error, 'INVALID_PARTICIPANTS')) {
        chips.flagIssues(entries, error.participantIssues());
        showErrors({ participants: t('form.participantsInvalid') });
      } else if (isApiError(error, 'START_IN_PAST')) {
        showErrors({ wallTime: errorText(t, error) });
      } else if (isApiError(error, 'BAD_TIME_ZONE')) {
        showErrors({ timeZone: errorText(t, error) });
      } else {
        setFailure(errorText(t, error));
      }
    }
  }

  return (
    <form ref={form} onSubmit={(event) => void onSubmit(event)} noValidate className={styles.card}>
      <Alert>{failure}</Alert>
      <Field label={t('form.name')} error={errors.name}>
        {(control) => (
          <input
            {...control}
            name="name"
            required
            maxLength={NAME_MAX}
            value={values.name}
            onChange={(event) => set('name')(event.target.value)}
          />
        )}
      </Field>
      <ParticipantInput state={chips} error={participantsError} />
      <div className={styles.when}>
        <Field label={t('form.dateTime')} error={errors.wallTime}>
          {(control) => (
            <input
              {...control}
              type="datetime-local"
              name="startsAt"
              required
              value={values.wallTime}
              onChange={(event) => set('wallTime')(event.target.value)}
            />
          )}
        </Field>
        <Field label={t('form.timeZone')} help={t('form.timeZoneHelp')} error={errors.timeZone}>
          {(control) => (
            <select
              {...control}
              name="timeZone"
              value={values.timeZone}
              onChange={(event) => set('timeZone')(event.target.value)}
            >
              {zones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replaceAll('_', ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('form.duration')} error={errors.durationMinutes}>
          {(control) => (
            <input
              {...control}
              type="number"
              name="durationMinutes"
              inputMode="numeric"
              min={DURATION_MIN}
              max={DURATION_MAX}
              step={5}
              value={values.durationMinutes}
              onChange={(event) => set('durationMinutes')(event.target.value)}
            />
          )}
        </Field>
      </div>
      <HostingFieldset values={hosting} chips={chips.chips} onChange={setHosting} />
      <fieldset className={styles.fieldset} aria-describedby="reminders-help">
        <legend className={styles.legend}>{t('form.reminders')}</legend>
        <p id="reminders-help" className={styles.muted}>
          {t('form.remindersHelp')}
        </p>
        <div className={styles.when}>
          {(['emailReminder', 'smsReminder'] as const).map((field) => (
            <Field key={field} label={t(`form.${field}`)}>
              {(control) => (
                <select
                  {...control}
                  name={field}
                  value={values[field]}
                  onChange={(event) => set(field)(event.target.value)}
                >
                  {reminderChoices(values[field], saved === undefined).map((choice) => (
                    <option key={choice} value={choice}>
                      {reminderLabel(choice)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ))}
        </div>
      </fieldset>
      {isAdmin ? (
        <PasswordFieldset
          values={password}
          onChange={(next) => {
            setPassword(next);
            setErrors((previous) => ({ ...previous, password: undefined }));
          }}
          error={errors.password}
          saved={saved}
        />
      ) : null}
      <div className={styles.actions}>
        <Button type="submit" disabled={busy}>
          {busy ? t('form.saving') : t('form.save')}
        </Button>
        <Button variant="quiet" onClick={onCancel} disabled={busy}>
          {t('form.cancel')}
        </Button>
      </div>
    </form>
  );
}
