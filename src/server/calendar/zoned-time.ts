/**
 * Wall-clock time of an instant in an IANA zone, from the platform's time-zone data (Intl).
 * ical-generator writes `DTSTART;TZID=<zone>:<local time>` correctly only for values shaped
 * like Temporal.ZonedDateTime (a plain Date is read in the server's own zone), so until Node
 * ships Temporal, `zonedTime` gives one with just the fields it reads.
 */
import type { ICalDateTimeValue } from 'ical-generator';

interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local date and time fields of `instant` in `timeZone`. */
export function localFields(instant: Date, timeZone: string): LocalFields {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const value = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: value('year'),
    month: value('month'),
    day: value('day'),
    hour: value('hour'),
    minute: value('minute'),
    second: value('second'),
  };
}

/** Minutes east of UTC that `timeZone` is at `instant` (Madrid in summer: 120). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const f = localFields(instant, timeZone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function plain(fields: LocalFields) {
  const text = `${pad(fields.year, 4)}-${pad(fields.month)}-${pad(fields.day)}T${pad(fields.hour)}:${pad(fields.minute)}:${pad(fields.second)}`;
  return {
    ...fields,
    toJSON: () => text,
    toString: () => text,
    toPlainDate: () => {
      throw new Error('not needed by the calendar writer');
    },
    toZonedDateTime: () => {
      throw new Error('not needed by the calendar writer');
    },
  };
}

/** `instant` as a Temporal.ZonedDateTime-shaped value in `timeZone`, for ical-generator. */
export function zonedTime(instant: Date, timeZone: string): ICalDateTimeValue {
  const fields = localFields(instant, timeZone);
  const zoned = {
    ...fields,
    timeZoneId: timeZone,
    toInstant: () => ({
      epochMilliseconds: instant.getTime(),
      toJSON: () => instant.toISOString(),
      toString: () => instant.toISOString(),
      toZonedDateTimeISO: () => zoned,
    }),
    toJSON: () => instant.toISOString(),
    toString: () => instant.toISOString(),
    toPlainDateTime: () => plain(fields),
    withTimeZone: (zone: string) => (zone === timeZone ? zoned : zonedTime(instant, zone)),
  };
  return zoned as unknown as ICalDateTimeValue;
}
