/** The meeting form's values, their checks and their conversion to the API body. No React here. */
import type { CreateMeetingBody, Meeting } from '../../../shared/api.js';
import {
  browserTimeZone,
  instantToWallTime,
  isKnownTimeZone,
  wallTimeToInstant,
  wallTimeToIsoWithOffset,
} from '../../lib/time-zone.js';

// Mirrors src/shared/api.ts; importing values from there would bring zod into the bundle.
export const NAME_MAX = 200;
export const DURATION_MIN = 5;
export const DURATION_MAX = 24 * 60;
export const DURATION_DEFAULT = 60;

export interface MeetingFormValues {
  name: string;
  /** `YYYY-MM-DDTHH:mm`, as `<input type="datetime-local">` gives it, in `timeZone`. */
  wallTime: string;
  timeZone: string;
  /** As typed; checked to be a whole number on submit. */
  durationMinutes: string;
  /** A ReminderChoice: minutes before the start as text, `none`, or `default` (new meetings). */
  emailReminder: string;
  smsReminder: string;
}

/** `default` leaves the lead to the organization's Settings; `none` sends no reminder. */
export type ReminderChoice = 'default' | 'none' | `${number}`;

/** The leads the form offers, in minutes; a meeting set to another (by the API) keeps its own. */
export const REMINDER_PRESETS = [5, 10, 15, 30, 60, 120, 24 * 60, 2 * 24 * 60] as const;

/** The choices of a reminder field: the presets, and the meeting's own lead if it is another. */
export function reminderChoices(current: string, isNew: boolean): string[] {
  const choices = [...(isNew ? ['default'] : []), 'none', ...REMINDER_PRESETS.map(String)];
  return choices.includes(current) ? choices : [...choices, current];
}

function reminderChoice(minutes: number | null): string {
  return minutes === null ? 'none' : String(minutes);
}

function reminderMinutes(choice: string): number | null | undefined {
  if (choice === 'default') return undefined;
  return choice === 'none' ? null : Number(choice);
}

export type MeetingFieldProblem =
  | { field: 'name'; problem: 'required' | 'tooLong' }
  | { field: 'wallTime'; problem: 'required' | 'inPast' }
  | { field: 'timeZone'; problem: 'unknown' }
  | { field: 'durationMinutes'; problem: 'invalid' };

/** A new meeting starts at the next full hour in the viewer's zone, for an hour. */
export function newMeetingValues(
  now = Date.now(),
  timeZone = browserTimeZone(),
): MeetingFormValues {
  const nextHour = instantToWallTime(now + 60 * 60_000, timeZone).slice(0, 14) + '00';
  return {
    name: '',
    wallTime: nextHour,
    timeZone,
    durationMinutes: String(DURATION_DEFAULT),
    emailReminder: 'default',
    smsReminder: 'default',
  };
}

export function meetingValues(meeting: Meeting): MeetingFormValues {
  const timeZone = isKnownTimeZone(meeting.timeZone) ? meeting.timeZone : browserTimeZone();
  return {
    name: meeting.name,
    wallTime: instantToWallTime(new Date(meeting.startsAt), timeZone),
    timeZone,
    durationMinutes: String(meeting.durationMinutes),
    emailReminder: reminderChoice(meeting.emailReminderMinutes),
    smsReminder: reminderChoice(meeting.smsReminderMinutes),
  };
}

export function checkMeetingValues(
  values: MeetingFormValues,
  now = Date.now(),
): MeetingFieldProblem[] {
  const problems: MeetingFieldProblem[] = [];
  const name = values.name.trim();
  if (!name) problems.push({ field: 'name', problem: 'required' });
  else if (name.length > NAME_MAX) problems.push({ field: 'name', problem: 'tooLong' });

  const zoneKnown = isKnownTimeZone(values.timeZone);
  if (!zoneKnown) problems.push({ field: 'timeZone', problem: 'unknown' });

  if (!values.wallTime) problems.push({ field: 'wallTime', problem: 'required' });
  else if (zoneKnown) {
    try {
      if (wallTimeToInstant(values.wallTime, values.timeZone).getTime() <= now) {
        problems.push({ field: 'wallTime', problem: 'inPast' });
      }
    } catch {
      problems.push({ field: 'wallTime', problem: 'required' });
    }
  }

  const duration = Number(values.durationMinutes);
  if (
    values.durationMinutes.trim() === '' ||
    !Number.isInteger(duration) ||
    duration < DURATION_MIN ||
    duration > DURATION_MAX
  ) {
    problems.push({ field: 'durationMinutes', problem: 'invalid' });
  }
  return problems;
}

/** The API body for values that passed checkMeetingValues. */
export function meetingBody(values: MeetingFormValues, participants: string[]): CreateMeetingBody {
  return {
    name: values.name.trim(),
    participants,
    startsAt: wallTimeToIsoWithOffset(values.wallTime, values.timeZone),
    durationMinutes: Number(values.durationMinutes),
    timeZone: values.timeZone,
    // Left out when `default`: the server applies the organization's Settings.
    emailReminderMinutes: reminderMinutes(values.emailReminder),
    smsReminderMinutes: reminderMinutes(values.smsReminder),
  };
}
