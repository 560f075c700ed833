import { describe, expect, it } from 'vitest';
import type { Invitee } from '../../shared/api.js';
import { hasEnded, meetingEnd, participantName, participantsSummary } from './meeting-format.js';

const people: Invitee[] = [
  { kind: 'member', address: 'ana', displayName: 'Ana López' },
  { kind: 'email', address: 'bob@example.com', displayName: null },
  { kind: 'phone', address: '+34612345678', displayName: null },
  { kind: 'email', address: 'carla@example.org', displayName: null },
  { kind: 'email', address: 'dan@example.net', displayName: null },
];

describe('participant names', () => {
  it('shows a member by display name and others by address', () => {
    expect(participantName(people[0]!)).toBe('Ana López');
    expect(participantName(people[2]!)).toBe('+34612345678');
  });

  it('summarizes a long list as three names and a count', () => {
    expect(participantsSummary(people)).toEqual({
      names: 'Ana López, bob@example.com, +34612345678',
      more: 2,
    });
    expect(participantsSummary(people.slice(0, 2))).toEqual({
      names: 'Ana López, bob@example.com',
      more: 0,
    });
  });
});

describe('meeting end', () => {
  const meeting = { startsAt: '2025-06-10T10:00:00Z', durationMinutes: 90 };

  it('adds the duration to the start', () => {
    expect(meetingEnd(meeting).toISOString()).toBe('2025-06-10T11:30:00.000Z');
  });

  it('counts a meeting as ended only once its end has passed', () => {
    expect(hasEnded(meeting, Date.parse('2025-06-10T11:29:59Z'))).toBe(false);
    expect(hasEnded(meeting, Date.parse('2025-06-10T11:30:00Z'))).toBe(true);
  });
});
