import { useId, useRef, type ClipboardEvent, type KeyboardEvent } from 'react';
import { useTranslation } from '../../i18n/index.js';
import { hasSeparator, splitParticipants } from '../../lib/participant-input.js';
import { Chip } from '../../ui/Chip.js';
import { fieldStyles } from '../../ui/Field.js';
import styles from './ParticipantInput.module.css';
import {
  chipKind,
  chipName,
  type ChipEntry,
  type ChipEvent,
  type ParticipantChips,
} from './use-participant-chips.js';

interface ParticipantInputProps {
  state: ParticipantChips;
  error?: string | undefined;
}

/**
 * A text input that turns entries into chips on Enter, on typed separators and on paste of a
 * list. Enter never submits the surrounding form; Backspace in the empty input removes the last chip.
 */
export function ParticipantInput({ state, error }: ParticipantInputProps) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const { chips, text, setText, add, remove, lastEvent } = state;

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter') {
      event.preventDefault();
      const entries = splitParticipants(text);
      if (entries.length > 0) add(entries);
      setText('');
    } else if (event.key === 'Backspace' && text === '') {
      const last = chips[chips.length - 1];
      if (last) {
        event.preventDefault();
        remove(last.id);
      }
    }
  }

  // Single-line inputs drop the line breaks of pasted text, so lists are split here first.
  function onPaste(event: ClipboardEvent<HTMLInputElement>) {
    const pasted = event.clipboardData.getData('text');
    if (!hasSeparator(pasted)) return;
    event.preventDefault();
    add(splitParticipants(text + pasted));
    setText('');
  }

  function onChange(value: string) {
    if (!hasSeparator(value)) return setText(value);
    // A typed comma or semicolon ends an entry; whatever follows the last one keeps being typed.
    const endsWithSeparator = /[,;\r\n]\s*$/.test(value);
    const pieces = splitParticipants(value);
    const unfinished = endsWithSeparator ? '' : (pieces.pop() ?? '');
    if (pieces.length > 0) add(pieces);
    setText(unfinished);
  }

  function onRemove(chip: ChipEntry) {
    remove(chip.id);
    // The removed button is gone; keep keyboard users in the field instead of at the page top.
    input.current?.focus();
  }

  const describedBy = `${id}-help${error ? ` ${id}-error` : ''}`;
  return (
    <div className={fieldStyles.field}>
      <label htmlFor={id} className={fieldStyles.label}>
        {t('form.participants')}
      </label>
      <div className={styles.box} data-invalid={error ? 'true' : undefined}>
        {chips.length > 0 ? (
          <ul className={styles.list} aria-label={t('form.participantsList')}>
            {chips.map((chip) => {
              const kind = chipKind(chip);
              return (
                <Chip
                  key={chip.id}
                  label={chipName(chip)}
                  kind={kind}
                  kindLabel={t(`chip.kind_${kind}`)}
                  status={chip.status}
                  statusLabel={
                    chip.status === 'invalid'
                      ? t('chip.invalid')
                      : chip.status === 'checking'
                        ? t('chip.checking')
                        : undefined
                  }
                  reason={
                    chip.issue
                      ? t(`participantIssue.${chip.issue.code}`, {
                          defaultValue: chip.issue.message,
                        })
                      : chip.status === 'unchecked'
                        ? t('chip.uncheckedReason')
                        : undefined
                  }
                  removeLabel={t('chip.remove', { name: chipName(chip) })}
                  onRemove={() => onRemove(chip)}
                />
              );
            })}
          </ul>
        ) : null}
        <input
          ref={input}
          id={id}
          type="text"
          className={styles.input}
          value={text}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          enterKeyHint="enter"
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onChange={(event) => onChange(event.target.value)}
        />
      </div>
      <span id={`${id}-help`} className={fieldStyles.help}>
        {t('form.participantsHelp')}
      </span>
      {error ? (
        <span id={`${id}-error`} className={fieldStyles.error} role="alert">
          {error}
        </span>
      ) : null}
      <span role="status" className="visually-hidden">
        {lastEvent ? <EventText event={lastEvent} /> : null}
      </span>
    </div>
  );
}

function EventText({ event }: { event: ChipEvent }) {
  const { t } = useTranslation();
  if (event.type === 'flagged') {
    const reason = t(`participantIssue.${event.issue.code}`, { defaultValue: event.issue.message });
    return <>{t('chip.flagged', { name: event.name, reason })}</>;
  }
  return <>{t(`chip.${event.type}`, { name: event.name })}</>;
}
