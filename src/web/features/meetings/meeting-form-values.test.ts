import { describe, expect, it } from 'vitest';
import type { Meeting } from '../../../shared/api.js';
import {
  checkMeetingValues,
  meetingBody,
  meetingValues,
  newMeetingValues,
  reminderChoices,
  type MeetingFormValues,
} from './meeting-form-values.js';

const NOW = Date.parse('2025-06-10T10:20:00Z');

function values(overrides: Partial<MeetingFormValues> = {}): MeetingFormValues {
  return {
    name: 'Weekly sync',
    wallTime: '2025-06-11T09:00',
    timeZone: 'Europe/Madrid',
    durationMinutes: '45',
    emailReminder: 'default',
    smsReminder: 'default',
    ...overrides,
  };
}

describe('newMeetingValues', () => {
  it('starts at the next full hour in the given zone, for 60 minutes', () => {
    expect(newMeetingValues(NOW, 'Europe/Madrid')).toEqual({
      name: '',
      wallTime: '2025-06-10T13:00',
      timeZone: 'Europe/Madrid',
      durationMinutes: '60',
      emailReminder: 'default',
      smsReminder: 'default',
    });
  });
});

describe('checkMeetingValues', () => {
  it('accepts a complete meeting in the future', () => {
    expect(checkMeetingValues(values(), NOW)).toEqual([]);
  });

  it('requires a name that is not only spaces, of at most 200 characters', () => {
    expect(checkMeetingValues(values({ name: '   ' }), NOW)).toEqual([
      { field: 'name', problem: 'required' },
    ]);
    expect(checkMeetingValues(values({ name: 'x'.repeat(201) }), NOW)).toEqual([
      { field: 'name', problem: 'tooLong' },
    ]);
    expect(checkMeetingValues(values({ name: ` ${'x'.repeat(200)} ` }), NOW)).toEqual([]);
  });

  it('refuses a start time in the past of the chosen zone', () => {
    // 12:00 in Madrid is 10:00 UTC, before NOW; the same wall time in New York is still ahead.
    expect(checkMeetingValues(values({ wallTime: '2025-06-10T12:00' }), NOW)).toEqual([
      { field: 'wallTime', problem: 'inPast' },
    ]);
    expect(
      checkMeetingValues(
        values({ wallTime: '2025-06-10T12:00', timeZone: 'America/New_York' }),
        NOW,
      ),
    ).toEqual([]);
  });

  it('requires a date and time and a known zone', () => {
    expect(checkMeetingValues(values({ wallTime: '' }), NOW)).toEqual([
      { field: 'wallTime', problem: 'required' },
    ]);
    expect(checkMeetingValues(values({ timeZone: 'Atlantis/Capital' }), NOW)).toEqual([
      { field: 'timeZone', problem: 'unknown' },
    ]);
  });

  it('requires a whole duration from 5 minutes to a day', () => {
    for (const durationMinutes of ['', '4', '1441', '30.5', 'abc']) {
      expect(checkMeetingValues(values({ durationMinutes }), NOW)).toEqual([
        { field: 'durationMinutes', problem: 'invalid' },
      ]);
    }
    expect(checkMeetingValues(values({ durationMinutes: '1440' }), NOW)).toEqual([]);
  });
});

describe('meetingBody', () => {
  it('sends the trimmed name and the start with the offset of the chosen zone', () => {
    expect(meetingBody(values({ name: '  Weekly sync ' }), ['ana@example.com'])).toEqual({
      name: 'Weekly sync',
      participants: ['ana@example.com'],
      startsAt: '2025-06-11T09:00:00+02:00',
      durationMinutes: 45,
      timeZone: 'Europe/Madrid',
      emailReminderMinutes: undefined,
      smsReminderMinutes: undefined,
    });
  });

  it('sends a chosen lead in minutes, none as null, and leaves the default out', () => {
    const body = meetingBody(values({ emailReminder: '60', smsReminder: 'none' }), []);
    expect(body).toMatchObject({ emailReminderMinutes: 60, smsReminderMinutes: null });
  });
});

describe('reminderChoices', () => {
  it('offers the default only to new meetings, and keeps a lead set outside the presets', () => {
    expect(reminderChoices('default', true).slice(0, 3)).toEqual(['default', 'none', '5']);
    expect(reminderChoices('45', false)).toContain('45');
    expect(reminderChoices('60', false)).not.toContain('default');
  });
});

describe('meetingValues', () => {
  it('shows a saved meeting at its wall time in its own zone', () => {
    const meeting = {
      name: 'Review',
      startsAt: '2025-12-01T15:30:00.000Z',
      timeZone: 'America/New_York',
      durationMinutes: 30,
      emailReminderMinutes: 1440,
      smsReminderMinutes: null,
    } as Meeting;
    expect(meetingValues(meeting)).toEqual({
      name: 'Review',
      wallTime: '2025-12-01T10:30',
      timeZone: 'America/New_York',
      durationMinutes: '30',
      emailReminder: '1440',
      smsReminder: 'none',
    });
  });
});
