import { describe, expect, it } from 'vitest';
import { joinWindow, type WindowMeeting } from './join-window.js';

const rules = { opensBeforeMs: 30 * 60_000, closesAfterMs: 4 * 3_600_000 };
const scheduled: WindowMeeting = {
  kind: 'scheduled',
  status: 'scheduled',
  starts_at: '2030-05-01T10:00:00.000Z',
  ends_at: '2030-05-01T11:00:00.000Z',
};

describe('joinWindow', () => {
  it.each([
    ['2030-05-01T09:29:59.999Z', 'not_open_yet'],
    ['2030-05-01T09:30:00.000Z', 'open'],
    ['2030-05-01T14:59:59.999Z', 'open'],
    ['2030-05-01T15:00:00.000Z', 'ended'],
  ])('a meeting from 10:00 to 11:00 is %s -> %s', (now, state) => {
    expect(joinWindow(scheduled, rules, new Date(now)).state).toBe(state);
  });

  it('opens 30 minutes before the start and closes 4 hours after the end', () => {
    const window = joinWindow(scheduled, rules, new Date('2030-05-01T10:00:00Z'));
    expect(window.opensAt.toISOString()).toBe('2030-05-01T09:30:00.000Z');
    expect(window.closesAt.toISOString()).toBe('2030-05-01T15:00:00.000Z');
  });

  it('a quick conference is open from its creation for its 24 hours only', () => {
    const quick: WindowMeeting = {
      kind: 'quick',
      status: 'scheduled',
      starts_at: '2030-05-01T10:00:00.000Z',
      ends_at: '2030-05-02T10:00:00.000Z',
    };
    expect(joinWindow(quick, rules, new Date('2030-05-01T10:00:00Z')).state).toBe('open');
    expect(joinWindow(quick, rules, new Date('2030-05-02T10:00:00Z')).state).toBe('ended');
  });

  it('a cancelled meeting is cancelled whatever the time', () => {
    const cancelled = { ...scheduled, status: 'cancelled' as const };
    expect(joinWindow(cancelled, rules, new Date('2030-05-01T10:00:00Z')).state).toBe('cancelled');
  });
});
