import { describe, expect, it } from 'vitest';
import { clockOffsetMs, joinTiming, nextChangeInMs, relativeParts } from './join-timing.js';

const MINUTE = 60_000;
const start = Date.parse('2030-06-10T10:00:00Z');

function meeting(status: 'scheduled' | 'cancelled' = 'scheduled') {
  return {
    status,
    startsAt: new Date(start).toISOString(),
    opensAt: new Date(start - 30 * MINUTE).toISOString(),
    closesAt: new Date(start + 90 * MINUTE).toISOString(),
  };
}

describe('clockOffsetMs', () => {
  it('is the server time minus the local time', () => {
    expect(clockOffsetMs('2030-06-10T10:00:05Z', Date.parse('2030-06-10T10:00:00Z'))).toBe(5000);
  });

  it('is zero when the server time cannot be read', () => {
    expect(clockOffsetMs('soon', 123)).toBe(0);
  });
});

describe('joinTiming', () => {
  it('is not open yet before the opening, and says how long before the start it opens', () => {
    const timing = joinTiming(meeting(), start - 42 * MINUTE);
    expect(timing.state).toBe('not_open_yet');
    expect(timing.opensInMs).toBe(12 * MINUTE);
    expect(timing.startsInMs).toBe(42 * MINUTE);
    expect(timing.opensBeforeStartMinutes).toBe(30);
  });

  it('is open from the opening instant, not started until the start', () => {
    const timing = joinTiming(meeting(), start - 30 * MINUTE);
    expect(timing.state).toBe('open');
    expect(timing.started).toBe(false);
    expect(joinTiming(meeting(), start).started).toBe(true);
  });

  it('has ended at the closing instant', () => {
    expect(joinTiming(meeting(), start + 90 * MINUTE).state).toBe('ended');
  });

  it('is cancelled whatever the time', () => {
    expect(joinTiming(meeting('cancelled'), start).state).toBe('cancelled');
  });

  it('names the next change: the opening, then the closing, then none', () => {
    const info = meeting();
    const before = start - 40 * MINUTE;
    expect(nextChangeInMs(joinTiming(info, before), info, before)).toBe(10 * MINUTE);
    expect(nextChangeInMs(joinTiming(info, start), info, start)).toBe(90 * MINUTE);
    const after = start + 100 * MINUTE;
    expect(nextChangeInMs(joinTiming(info, after), info, after)).toBeNull();
  });
});

describe('relativeParts', () => {
  it('rounds minutes up, so the last minute still says "in 1 minute"', () => {
    expect(relativeParts(11.5 * MINUTE)).toEqual({ value: 12, unit: 'minute' });
    expect(relativeParts(5000)).toEqual({ value: 1, unit: 'minute' });
    expect(relativeParts(0)).toEqual({ value: 1, unit: 'minute' });
  });

  it('switches to hours at 90 minutes and to days at 36 hours', () => {
    expect(relativeParts(89 * MINUTE)).toEqual({ value: 89, unit: 'minute' });
    expect(relativeParts(90 * MINUTE)).toEqual({ value: 2, unit: 'hour' });
    expect(relativeParts(35 * 60 * MINUTE)).toEqual({ value: 35, unit: 'hour' });
    expect(relativeParts(3 * 24 * 60 * MINUTE)).toEqual({ value: 3, unit: 'day' });
  });
});
