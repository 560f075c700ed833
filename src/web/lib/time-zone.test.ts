import { describe, expect, it } from 'vitest';
import {
  formatOffset,
  instantToWallTime,
  isKnownTimeZone,
  timeZoneChoices,
  wallTimeToInstant,
  wallTimeToIsoWithOffset,
  zoneOffsetMinutes,
} from './time-zone.js';

describe('zoneOffsetMinutes', () => {
  it('is zero for UTC', () => {
    expect(zoneOffsetMinutes('UTC', Date.parse('2025-07-01T12:00:00Z'))).toBe(0);
  });

  it('follows daylight saving time in the northern hemisphere', () => {
    expect(zoneOffsetMinutes('Europe/Madrid', Date.parse('2025-01-15T12:00:00Z'))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Madrid', Date.parse('2025-07-15T12:00:00Z'))).toBe(120);
    expect(zoneOffsetMinutes('America/New_York', Date.parse('2025-01-15T12:00:00Z'))).toBe(-300);
    expect(zoneOffsetMinutes('America/New_York', Date.parse('2025-07-15T12:00:00Z'))).toBe(-240);
  });

  it('follows daylight saving time in the southern hemisphere', () => {
    expect(zoneOffsetMinutes('Australia/Sydney', Date.parse('2025-01-15T00:00:00Z'))).toBe(660);
    expect(zoneOffsetMinutes('Australia/Sydney', Date.parse('2025-07-15T00:00:00Z'))).toBe(600);
  });

  it('handles zones whose offset is not a whole number of hours', () => {
    expect(zoneOffsetMinutes('Asia/Kolkata', Date.parse('2025-03-01T00:00:00Z'))).toBe(330);
    expect(zoneOffsetMinutes('Asia/Kathmandu', Date.parse('2025-03-01T00:00:00Z'))).toBe(345);
    expect(zoneOffsetMinutes('Pacific/Chatham', Date.parse('2025-07-01T00:00:00Z'))).toBe(765);
  });

  it('changes exactly at the transition instant', () => {
    // Europe switches at 01:00 UTC on the last Sunday of March.
    expect(zoneOffsetMinutes('Europe/Madrid', Date.parse('2025-03-30T00:59:59Z'))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Madrid', Date.parse('2025-03-30T01:00:00Z'))).toBe(120);
  });

  it('throws a RangeError for an unknown zone', () => {
    expect(() => zoneOffsetMinutes('Mars/Olympus_Mons', 0)).toThrow(RangeError);
  });
});

describe('wallTimeToIsoWithOffset', () => {
  it('writes the winter and summer offsets of the chosen zone', () => {
    expect(wallTimeToIsoWithOffset('2025-01-20T09:30', 'Europe/Madrid')).toBe(
      '2025-01-20T09:30:00+01:00',
    );
    expect(wallTimeToIsoWithOffset('2025-07-20T09:30', 'Europe/Madrid')).toBe(
      '2025-07-20T09:30:00+02:00',
    );
    expect(wallTimeToIsoWithOffset('2025-07-20T09:30', 'America/Los_Angeles')).toBe(
      '2025-07-20T09:30:00-07:00',
    );
  });

  it('does not depend on the zone of the machine running it', () => {
    const iso = wallTimeToIsoWithOffset('2025-11-03T18:00', 'Asia/Tokyo');
    expect(iso).toBe('2025-11-03T18:00:00+09:00');
    expect(new Date(iso).toISOString()).toBe('2025-11-03T09:00:00.000Z');
  });

  it('moves a time skipped by spring-forward ahead by the jump', () => {
    // 02:30 does not exist in New York on 2025-03-09; clocks go 01:59 -> 03:00.
    expect(wallTimeToIsoWithOffset('2025-03-09T02:30', 'America/New_York')).toBe(
      '2025-03-09T03:30:00-04:00',
    );
  });

  it('picks the first of two times repeated by fall-back', () => {
    // 01:30 happens twice in New York on 2025-11-02: first in EDT, then in EST.
    expect(wallTimeToIsoWithOffset('2025-11-02T01:30', 'America/New_York')).toBe(
      '2025-11-02T01:30:00-04:00',
    );
    expect(wallTimeToInstant('2025-11-02T01:30', 'America/New_York').toISOString()).toBe(
      '2025-11-02T05:30:00.000Z',
    );
  });

  it('handles half-hour daylight saving (Lord Howe)', () => {
    expect(wallTimeToIsoWithOffset('2025-01-10T12:00', 'Australia/Lord_Howe')).toBe(
      '2025-01-10T12:00:00+11:00',
    );
    expect(wallTimeToIsoWithOffset('2025-07-10T12:00', 'Australia/Lord_Howe')).toBe(
      '2025-07-10T12:00:00+10:30',
    );
  });

  it('handles the times right around a transition', () => {
    expect(wallTimeToIsoWithOffset('2025-03-30T01:59', 'Europe/Madrid')).toBe(
      '2025-03-30T01:59:00+01:00',
    );
    expect(wallTimeToIsoWithOffset('2025-03-30T03:00', 'Europe/Madrid')).toBe(
      '2025-03-30T03:00:00+02:00',
    );
  });

  it('accepts a wall time with seconds, as some browsers send', () => {
    expect(wallTimeToIsoWithOffset('2025-01-20T09:30:00', 'UTC')).toBe('2025-01-20T09:30:00+00:00');
  });

  it('rejects text that is not a calendar date and time', () => {
    expect(() => wallTimeToIsoWithOffset('', 'UTC')).toThrow(RangeError);
    expect(() => wallTimeToIsoWithOffset('2025-02-30T10:00', 'UTC')).toThrow(RangeError);
    expect(() => wallTimeToIsoWithOffset('2025-02-10T25:00', 'UTC')).toThrow(RangeError);
  });
});

describe('instantToWallTime', () => {
  it('shows the instant on the clocks of the zone', () => {
    expect(instantToWallTime(new Date('2025-07-20T07:30:00Z'), 'Europe/Madrid')).toBe(
      '2025-07-20T09:30',
    );
    expect(instantToWallTime(new Date('2025-07-20T00:15:00Z'), 'America/New_York')).toBe(
      '2025-07-19T20:15',
    );
  });

  it('round-trips with wallTimeToInstant outside transitions', () => {
    const wall = '2026-02-14T23:45';
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/Sao_Paulo', 'Pacific/Auckland']) {
      expect(instantToWallTime(wallTimeToInstant(wall, zone), zone)).toBe(wall);
    }
  });
});

describe('formatOffset', () => {
  it('writes sign, hours and minutes', () => {
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(330)).toBe('+05:30');
    expect(formatOffset(-210)).toBe('-03:30');
  });
});

describe('time zone choices', () => {
  it('recognizes IANA names and refuses others', () => {
    expect(isKnownTimeZone('Europe/Madrid')).toBe(true);
    expect(isKnownTimeZone('Not/A_Zone')).toBe(false);
  });

  it('lists UTC and a requested zone once each, sorted', () => {
    const zones = timeZoneChoices('America/Argentina/Buenos_Aires');
    expect(zones.filter((zone) => zone === 'UTC')).toHaveLength(1);
    expect(zones).toContain('America/Argentina/Buenos_Aires');
    expect([...zones].sort((a, b) => a.localeCompare(b))).toEqual(zones);
  });
});
