/**
 * Slows down password guessing without ever locking anyone out (the manual promises unlimited
 * attempts). Per meeting and source (an IPv4 address, or an IPv6 /64): after 5 wrong answers,
 * the next answer is taken only 2^(n-5) x 100 ms after the n-th wrong one, at most 30 s later.
 * Guessing 8 random digits then takes years; a person who mistypes twice never notices.
 * A right answer clears the record. Kept in memory: a restart forgets, which only helps users.
 */
import type { Clock } from '../clock.js';

const FREE_ATTEMPTS = 5;
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 30_000;
/** Counts untouched this long are dropped, so memory stays bounded by recent activity. */
const FORGET_AFTER_MS = 60 * 60_000;
const MAX_RECORDS = 100_000;

interface FailureCount {
  failures: number;
  /** No answer is taken before this instant (ms since epoch). */
  notBeforeMs: number;
  touchedMs: number;
}

export class PasswordAttempts {
  private readonly records = new Map<string, FailureCount>();

  constructor(private readonly clock: Clock) {}

  /** Milliseconds the source must still wait before its next answer is taken (0 = go ahead). */
  waitMs(meetingId: string, source: string): number {
    const record = this.records.get(key(meetingId, source));
    if (!record) return 0;
    return Math.max(0, record.notBeforeMs - this.clock.now().getTime());
  }

  recordFailure(meetingId: string, source: string): void {
    const now = this.clock.now().getTime();
    this.sweep(now);
    const k = key(meetingId, source);
    const record = this.records.get(k) ?? { failures: 0, notBeforeMs: 0, touchedMs: now };
    record.failures += 1;
    record.touchedMs = now;
    record.notBeforeMs = now + delayAfter(record.failures);
    this.records.set(k, record);
  }

  recordSuccess(meetingId: string, source: string): void {
    this.records.delete(key(meetingId, source));
  }

  private sweep(now: number): void {
    if (this.records.size < MAX_RECORDS) return;
    for (const [k, record] of this.records) {
      if (now - record.touchedMs > FORGET_AFTER_MS) this.records.delete(k);
    }
    // Still full of fresh records (a flood from many sources): drop the oldest ones.
    for (const k of this.records.keys()) {
      if (this.records.size < MAX_RECORDS) break;
      this.records.delete(k);
    }
  }
}

/** Wait imposed after the n-th consecutive wrong answer. */
export function delayAfter(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_DELAY_MS, 2 ** (failures - FREE_ATTEMPTS) * BASE_DELAY_MS);
}

/** The unit of "one source": the IPv4 address, or the /64 network of an IPv6 address. */
export function sourceOf(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4?.[1]) return v4[1];
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = ip.includes('::')
    ? [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

function key(meetingId: string, source: string): string {
  return `${meetingId} ${source}`;
}
