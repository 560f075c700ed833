import { describe, expect, it } from 'vitest';
import type { CreateMeetingBody } from '../../../shared/api.js';
import { meetingChanges } from './meeting-changes.js';

const saved: CreateMeetingBody = {
  name: 'Review',
  participants: ['ana@example.com', '+34612345678'],
  startsAt: '2025-06-11T09:00:00+02:00',
  durationMinutes: 60,
  timeZone: 'Europe/Madrid',
  emailReminderMinutes: 1440,
  smsReminderMinutes: null,
};

describe('meetingChanges', () => {
  it('sends nothing when nothing changed', () => {
    expect(meetingChanges(saved, { ...saved })).toEqual({});
  });

  it('sends only the name when only the name changed', () => {
    expect(meetingChanges(saved, { ...saved, name: 'Review 2' })).toEqual({ name: 'Review 2' });
  });

  it('treats the same instant written with another offset as unchanged', () => {
    expect(meetingChanges(saved, { ...saved, startsAt: '2025-06-11T07:00:00Z' })).toEqual({});
  });

  it('sends start and zone together when either changes', () => {
    const moved = { ...saved, startsAt: '2025-06-11T09:00:00-04:00', timeZone: 'America/New_York' };
    expect(meetingChanges(saved, moved)).toEqual({
      startsAt: '2025-06-11T09:00:00-04:00',
      timeZone: 'America/New_York',
    });
  });

  it('sends the whole list of participants when one is added or removed', () => {
    expect(meetingChanges(saved, { ...saved, participants: ['ana@example.com'] })).toEqual({
      participants: ['ana@example.com'],
    });
  });

  it('sends the waiting room and the co-hosts only when they changed (co-hosts in any order)', () => {
    const hosted = { ...saved, waitingRoom: false, cohosts: ['ana', 'bea'] };
    expect(meetingChanges(hosted, { ...hosted, cohosts: ['bea', 'ana'] })).toEqual({});
    expect(meetingChanges(hosted, { ...hosted, waitingRoom: true, cohosts: ['ana'] })).toEqual({
      waitingRoom: true,
      cohosts: ['ana'],
    });
  });

  it('sends a reminder lead only when it changed, none as null', () => {
    expect(meetingChanges(saved, { ...saved, emailReminderMinutes: null })).toEqual({
      emailReminderMinutes: null,
    });
    expect(meetingChanges(saved, { ...saved, smsReminderMinutes: 15 })).toEqual({
      smsReminderMinutes: 15,
    });
  });
});
