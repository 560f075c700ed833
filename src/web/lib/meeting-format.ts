/** How meetings are written for people: times in the viewer's zone, participants as names. */
import type { Meeting, Invitee } from '../../shared/api.js';
import { browserTimeZone } from './time-zone.js';

const MINUTE_MS = 60_000;

export function meetingEnd(meeting: Pick<Meeting, 'startsAt' | 'durationMinutes'>): Date {
  return new Date(Date.parse(meeting.startsAt) + meeting.durationMinutes * MINUTE_MS);
}

/** "Tue, Jun 10, 2025, 3:00 – 4:00 PM" in the viewer's own zone and language. */
export function formatMeetingRange(
  meeting: Pick<Meeting, 'startsAt' | 'durationMinutes'>,
  locale: string,
): string {
  const format = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
  return format.formatRange(new Date(meeting.startsAt), meetingEnd(meeting));
}

/**
 * The start as the organizer's zone sees it, when that zone differs from the viewer's; else
 * null. Helps when an invitation was written for another zone.
 */
export function formatInMeetingZone(
  meeting: Pick<Meeting, 'startsAt' | 'timeZone'>,
  locale: string,
): string | null {
  if (meeting.timeZone === browserTimeZone()) return null;
  try {
    return new Intl.DateTimeFormat(locale, {
      timeZone: meeting.timeZone,
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(new Date(meeting.startsAt));
  } catch {
    return null;
  }
}

/** The one text this module needs; the app's translator (src/web/i18n) is one. */
type StartedAtText = (key: 'meetings.startedAt', values: { time: string }) => string;

/** A quick conference has no planned end; say when it started instead of a range. */
export function formatMeetingWhen(
  meeting: Pick<Meeting, 'kind' | 'startsAt' | 'durationMinutes'>,
  locale: string,
  t: StartedAtText,
): string {
  if (meeting.kind === 'scheduled') return formatMeetingRange(meeting, locale);
  const started = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return t('meetings.startedAt', { time: started.format(new Date(meeting.startsAt)) });
}

export function participantName(participant: Invitee): string {
  return participant.displayName ?? participant.address;
}

/** Up to `shown` names and how many more there are. */
export function participantsSummary(
  participants: Invitee[],
  shown = 3,
): { names: string; more: number } {
  return {
    names: participants.slice(0, shown).map(participantName).join(', '),
    more: Math.max(0, participants.length - shown),
  };
}

export function hasEnded(meeting: Pick<Meeting, 'startsAt' | 'durationMinutes'>, now = Date.now()) {
  return meetingEnd(meeting).getTime() <= now;
}
