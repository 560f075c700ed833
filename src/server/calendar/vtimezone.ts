/**
 * A VTIMEZONE (RFC 5545 §3.6.5) for an IANA zone over a span of time, from the platform's
 * time-zone data: every change of UTC offset inside the span is one observance with its own
 * DTSTART (DAYLIGHT when the offset grows, STANDARD when it shrinks), after one that holds from
 * the span's start. No RRULE is guessed: rules change (zones drop DST), listed changes do not,
 * and a feed is written afresh on every fetch, so its span always covers its events.
 */
import { localFields, offsetMinutes } from './zoned-time.js';

/** Offset changes are months apart; sampling every 6 hours cannot step over two of them. */
const STEP_MS = 6 * 3_600_000;

interface Transition {
  at: Date;
  from: number;
  to: number;
}

/** The instants in [from, to) where the zone's offset changes, to the second. */
export function offsetTransitions(timeZone: string, from: Date, to: Date): Transition[] {
  const found: Transition[] = [];
  let t = from.getTime();
  let offset = offsetMinutes(from, timeZone);
  while (t < to.getTime()) {
    const next = Math.min(t + STEP_MS, to.getTime());
    const nextOffset = offsetMinutes(new Date(next), timeZone);
    if (nextOffset !== offset) {
      // Bisect to the first second with the new offset.
      let low = t;
      let high = next;
      while (high - low > 1000) {
        const mid = Math.floor((low + high) / 2000) * 1000;
        if (offsetMinutes(new Date(mid), timeZone) === offset) low = mid;
        else high = mid;
      }
      found.push({ at: new Date(high), from: offset, to: nextOffset });
      offset = nextOffset;
    }
    t = next;
  }
  return found;
}

/** +0100, -0330: TZOFFSETFROM/TO's form. */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** DTSTART of an observance: local time as it was just before the change (in TZOFFSETFROM). */
function localStart(at: Date, fromOffset: number): string {
  const shifted = new Date(at.getTime() + fromOffset * 60_000);
  const f = {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(f.year, 4)}${p(f.month)}${p(f.day)}T${p(f.hour)}${p(f.minute)}${p(f.second)}`;
}

function observance(kind: 'STANDARD' | 'DAYLIGHT', start: string, from: number, to: number) {
  return [
    `BEGIN:${kind}`,
    `DTSTART:${start}`,
    `TZOFFSETFROM:${offsetText(from)}`,
    `TZOFFSETTO:${offsetText(to)}`,
    `END:${kind}`,
  ];
}

export function vtimezone(timeZone: string, from: Date, to: Date): string {
  const startOffset = offsetMinutes(from, timeZone);
  const transitions = offsetTransitions(timeZone, from, to);
  const f = localFields(from, timeZone);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const spanStart = `${p(f.year, 4)}${p(f.month)}${p(f.day)}T${p(f.hour)}${p(f.minute)}${p(f.second)}`;
  // The first observance: the offset in force when the span starts. It is DAYLIGHT when the
  // first change lowers the offset (the span started in summer time).
  const firstKind = transitions[0] && transitions[0].to < startOffset ? 'DAYLIGHT' : 'STANDARD';
  const lines = [
    'BEGIN:VTIMEZONE',
    `TZID:${timeZone}`,
    ...observance(firstKind, spanStart, startOffset, startOffset),
  ];
  for (const change of transitions) {
    lines.push(
      ...observance(
        change.to > change.from ? 'DAYLIGHT' : 'STANDARD',
        localStart(change.at, change.from),
        change.from,
        change.to,
      ),
    );
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n');
}
