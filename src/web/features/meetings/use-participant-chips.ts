import { useCallback, useRef, useState } from 'react';
import type { Invitee, InviteeIssue, InviteeKind } from '../../../shared/api.js';
import type { ParticipantErrorCode } from '../../../shared/errors.js';
import { api } from '../../lib/api.js';
import { guessKind, participantKey, roughKey } from '../../lib/participant-input.js';
import type { ChipStatus } from '../../ui/Chip.js';

export interface ChipEntry {
  /** Local identity for React keys; never sent. */
  id: number;
  /** What the person typed, trimmed. */
  input: string;
  status: ChipStatus;
  /** Set once the server recognized the entry. */
  participant?: Invitee;
  issue?: { code: ParticipantErrorCode; message: string };
}

export type ChipEvent =
  | { type: 'added' | 'removed' | 'duplicate'; name: string }
  | { type: 'flagged'; name: string; issue: NonNullable<ChipEntry['issue']> };

let nextId = 1;

function fromParticipant(participant: Invitee): ChipEntry {
  return { id: nextId++, input: participant.address, status: 'ok', participant };
}

export function chipKind(chip: ChipEntry): InviteeKind {
  return chip.participant?.kind ?? guessKind(chip.input);
}

export function chipName(chip: ChipEntry): string {
  const p = chip.participant;
  if (!p) return chip.input;
  return p.kind === 'member' && p.displayName ? `${p.displayName} (${p.address})` : p.address;
}

function sameEntry(chip: ChipEntry, input: string): boolean {
  return (
    roughKey(chip.input) === roughKey(input) ||
    (!!chip.participant && participantKey(chip.participant) === roughKey(input))
  );
}

/**
 * State of the participants chip input: entries, the text being typed, and the server check
 * that classifies each new entry. Every change yields a ChipEvent for the live region.
 */
export function useParticipantChips(initial: Invitee[] = []) {
  const [chips, setChipsState] = useState<ChipEntry[]>(() => initial.map(fromParticipant));
  const [text, setText] = useState('');
  const [lastEvent, setLastEvent] = useState<ChipEvent | null>(null);
  // Mirror of the state, so add() can answer synchronously when the form is submitted.
  const current = useRef(chips);

  const setChips = useCallback((update: (chips: ChipEntry[]) => ChipEntry[]) => {
    current.current = update(current.current);
    setChipsState(current.current);
  }, []);

  const check = useCallback(
    async (entries: ChipEntry[]) => {
      let results;
      try {
        results = await api.checkParticipants(entries.map((entry) => entry.input));
      } catch {
        // The server checks again on save; here the entries just stay unconfirmed.
        const ids = new Set(entries.map((entry) => entry.id));
        setChips((list) =>
          list.map((chip) =>
            ids.has(chip.id) && chip.status === 'checking'
              ? { ...chip, status: 'unchecked' }
              : chip,
          ),
        );
        return;
      }
      entries.forEach((entry, index) => {
        const result = results[index];
        if (!result) return;
        if (result.ok) {
          const key = participantKey(result.participant);
          const twin = current.current.find(
            (chip) =>
              chip.id !== entry.id && chip.participant && participantKey(chip.participant) === key,
          );
          if (twin) {
            setChips((list) => list.filter((chip) => chip.id !== entry.id));
            setLastEvent({ type: 'duplicate', name: chipName(twin) });
            return;
          }
          setChips((list) =>
            list.map((chip) =>
              chip.id === entry.id
                ? { id: chip.id, input: chip.input, status: 'ok', participant: result.participant }
                : chip,
            ),
          );
        } else {
          const issue = { code: result.issue.code, message: result.issue.message };
          setChips((list) =>
            list.map((chip) =>
              chip.id === entry.id ? { ...chip, status: 'invalid', issue } : chip,
            ),
          );
          setLastEvent({ type: 'flagged', name: entry.input, issue });
        }
      });
    },
    [setChips],
  );

  /** Adds entries (skipping ones already present) and returns the whole resulting list. */
  const add = useCallback(
    (inputs: string[]): ChipEntry[] => {
      const fresh: ChipEntry[] = [];
      let duplicate: string | undefined;
      for (const input of inputs) {
        if ([...current.current, ...fresh].some((chip) => sameEntry(chip, input))) {
          duplicate = input;
          continue;
        }
        fresh.push({ id: nextId++, input, status: 'checking' });
      }
      if (fresh.length > 0) {
        setChips((list) => [...list, ...fresh]);
        void check(fresh);
        setLastEvent({ type: 'added', name: fresh.map((chip) => chip.input).join(', ') });
      } else if (duplicate) {
        setLastEvent({ type: 'duplicate', name: duplicate });
      }
      return current.current;
    },
    [check, setChips],
  );

  const remove = useCallback(
    (id: number) => {
      const chip = current.current.find((entry) => entry.id === id);
      if (!chip) return;
      setChips((list) => list.filter((entry) => entry.id !== id));
      setLastEvent({ type: 'removed', name: chipName(chip) });
    },
    [setChips],
  );

  /** Marks the entries the server refused on save; `sent[i]` is the chip sent at index i. */
  const flagIssues = useCallback(
    (sent: ChipEntry[], issues: InviteeIssue[]) => {
      const byId = new Map<number, InviteeIssue>();
      for (const issue of issues) {
        const chip = sent[issue.index];
        if (chip) byId.set(chip.id, issue);
      }
      setChips((list) =>
        list.map((chip) => {
          const issue = byId.get(chip.id);
          return issue
            ? { ...chip, status: 'invalid', issue: { code: issue.code, message: issue.message } }
            : chip;
        }),
      );
    },
    [setChips],
  );

  return { chips, text, setText, lastEvent, add, remove, flagIssues };
}

export type ParticipantChips = ReturnType<typeof useParticipantChips>;

/** What to send for a chip: the normalized address once known, else the text as typed. */
export function chipValue(chip: ChipEntry): string {
  return chip.participant?.address ?? chip.input;
}
