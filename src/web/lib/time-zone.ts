/**
 * Wall-clock time <-> instant conversions for IANA time zones, using only Intl (no tz database
 * of our own). A "wall time" is what a person reads on a clock in that zone, written as
 * `YYYY-MM-DDTHH:mm` (the value format of `<input type="datetime-local">`).
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

// Creating a DateTimeFormat costs far more than using one; forms call this on every keystroke.
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface WallFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallFieldsAt(timeZone: string, instantMs: number): WallFields & { second: number } {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instantMs))
    fields[part.type] = part.value;
  const yearOfEra = Number(fields.year);
  return {
    // Years before 1 CE come as "BC" eras; irrelevant to meetings but keeps the math total.
    year: fields.era === 'BC' || fields.era === 'B' ? 1 - yearOfEra : yearOfEra,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour) % 24,
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

function utcMsOf(fields: WallFields & { second?: number }): number {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour, fields.minute, fields.second ?? 0, 0);
  return date.getTime();
}

/** Offset of `timeZone` from UTC at `instant`, in whole minutes (east positive: Madrid in summer is 120). */
export function zoneOffsetMinutes(timeZone: string, instant: Date | number): number {
  const instantMs = typeof instant === 'number' ? instant : instant.getTime();
  const wholeSecondMs = Math.floor(instantMs / 1000) * 1000;
  return Math.round((utcMsOf(wallFieldsAt(timeZone, wholeSecondMs)) - wholeSecondMs) / MINUTE_MS);
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/;

function parseWallTime(wallTime: string): WallFields {
  const match = WALL_TIME.exec(wallTime);
  if (!match) throw new RangeError(`Not a wall time (YYYY-MM-DDTHH:mm): ${wallTime}`);
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const fields = { year, month, day, hour, minute };
  const roundTrip = new Date(utcMsOf(fields));
  if (roundTrip.getUTCMonth() !== month - 1 || roundTrip.getUTCDate() !== day || hour > 23) {
    throw new RangeError(`Not a calendar date and time: ${wallTime}`);
  }
  return fields;
}

function sameWallTime(a: WallFields, b: WallFields): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute
  );
}

/**
 * The instant at which clocks in `timeZone` show `wallTime`. Like Temporal's "compatible"
 * disambiguation: a time skipped by a DST jump moves forward by the jump (02:30 on a
 * spring-forward night becomes 03:30), and a time that happens twice picks the first one.
 */
export function wallTimeToInstant(wallTime: string, timeZone: string): Date {
  const wall = parseWallTime(wallTime);
  const asIfUtc = utcMsOf(wall);
  // Offsets a day either side bracket any transition near this time (zones never change twice
  // within two days), so the right offset is one of these two.
  const offsetBefore = zoneOffsetMinutes(timeZone, asIfUtc - DAY_MS);
  const offsetAfter = zoneOffsetMinutes(timeZone, asIfUtc + DAY_MS);
  const candidates = [offsetBefore, offsetAfter]
    .map((offset) => asIfUtc - offset * MINUTE_MS)
    .filter((instantMs) => sameWallTime(wallFieldsAt(timeZone, instantMs), wall))
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return new Date(first);
  return new Date(asIfUtc - offsetBefore * MINUTE_MS);
}

function pad(value: number, width = 2): string {
  return String(Math.abs(value)).padStart(width, '0');
}

/** `+05:30`, `-04:00`, `+00:00`. */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The wall time clocks show in `timeZone` at `instant`, as `YYYY-MM-DDTHH:mm`. */
export function instantToWallTime(instant: Date | number, timeZone: string): string {
  const f = wallFieldsAt(timeZone, typeof instant === 'number' ? instant : instant.getTime());
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}`;
}

/**
 * ISO 8601 with the zone's own offset, e.g. `2025-03-09T03:30:00-04:00`, for a wall time typed
 * by someone in `timeZone`. The written wall time is the resolved one (after any DST gap).
 */
export function wallTimeToIsoWithOffset(wallTime: string, timeZone: string): string {
  const instant = wallTimeToInstant(wallTime, timeZone);
  const offset = zoneOffsetMinutes(timeZone, instant);
  return `${instantToWallTime(instant, timeZone)}:00${formatOffset(offset)}`;
}

/** Whether `timeZone` is an IANA name this browser knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The browser's zone, then every zone it knows, sorted; always includes `UTC` and `extra`. */
export function timeZoneChoices(extra?: string): string[] {
  const zones = new Set(
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [],
  );
  zones.add('UTC');
  zones.add(browserTimeZone());
  if (extra) zones.add(extra);
  return [...zones].sort((a, b) => a.localeCompare(b));
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
