import { useEffect } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import type { ChipEntry } from './use-participant-chips.js';
import styles from './meetings.module.css';

export interface HostingValues {
  /** Null on a new meeting until known: the organization's default (admin Settings). */
  waitingRoom: boolean | null;
  /** User names of the member invitees who are co-hosts. */
  cohosts: string[];
}

interface HostingFieldsetProps {
  values: HostingValues;
  /** The participants typed so far: members among them may be co-hosts. */
  chips: ChipEntry[];
  onChange: (next: HostingValues) => void;
}

/** Who runs the meeting: the waiting room, and a co-host checkbox per member invitee. */
export function HostingFieldset({ values, chips, onChange }: HostingFieldsetProps) {
  const { t } = useTranslation();
  const unknown = values.waitingRoom === null;
  useEffect(() => {
    if (!unknown) return;
    const controller = new AbortController();
    api
      .meetingDefaults(controller.signal)
      .then((defaults) => onChange({ ...values, waitingRoom: defaults.waitingRoom }))
      .catch(() => {});
    return () => controller.abort();
  }, [unknown, onChange, values]);

  const members = chips.flatMap((chip) =>
    chip.participant?.kind === 'member' ? [chip.participant] : [],
  );
  const toggle = (username: string, on: boolean) =>
    onChange({
      ...values,
      cohosts: on
        ? [...values.cohosts.filter((u) => u !== username), username]
        : values.cohosts.filter((u) => u !== username),
    });

  return (
    <fieldset className={styles.hosting}>
      <legend>{t('form.hostingTitle')}</legend>
      <label>
        <input
          type="checkbox"
          name="waitingRoom"
          checked={values.waitingRoom ?? false}
          disabled={unknown}
          onChange={(event) => onChange({ ...values, waitingRoom: event.target.checked })}
          data-testid="meeting-waiting-room"
        />{' '}
        {t('form.waitingRoom')}
      </label>
      {members.length > 0 && (
        <ul className={styles.cohosts} aria-label={t('form.cohosts')}>
          {members.map((member) => (
            <li key={member.address}>
              <label>
                <input
                  type="checkbox"
                  checked={values.cohosts.includes(member.address)}
                  onChange={(event) => toggle(member.address, event.target.checked)}
                  data-testid="meeting-cohost"
                />{' '}
                {t('form.cohost', { name: member.displayName ?? member.address })}
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/** The hosting part of a meeting's body: co-hosts only among the members still invited. */
export function hostingBody(values: HostingValues, chips: ChipEntry[]) {
  const invited = new Set(
    chips.flatMap((chip) =>
      chip.participant?.kind === 'member' ? [chip.participant.address] : [],
    ),
  );
  return {
    ...(values.waitingRoom === null ? {} : { waitingRoom: values.waitingRoom }),
    cohosts: values.cohosts.filter((username) => invited.has(username)),
  };
}
