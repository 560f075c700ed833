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
  return { name: '', wallTime: nextHour, timeZone, durationMinutes: String(DURATION_DEFAULT) };
}

export function meetingValues(meeting: Meeting): MeetingFormValues {
  const timeZone = isKnownTimeZone(meeting.timeZone) ? meeting.timeZone : browserTimeZone();
  return {
    name: meeting.name,
    wallTime: instantToWallTime(new Date(meeting.startsAt), timeZone),
    timeZone,
    durationMinutes: String(meeting.durationMinutes),
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
  };
}
