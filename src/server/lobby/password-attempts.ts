/**
 * Slows down password guessing without ever locking anyone out (the manual promises unlimited
 * attempts). Per meeting and source (an IPv4 address, or an IPv6 /64): after 5 wrong answers,
 * the next answer is taken only 2^(n-5) x 100 ms after the n-th wrong one, at most 30 s later.
 * Guessing 8 random digits then takes years; a person who mistypes twice never notices.
 * A right answer clears the record, and a record untouched for FORGET_AFTER_MS is forgotten.
 *
 * Two implementations: this process's memory (one node: a restart forgets, which only helps
 * users), and Redis (redis-password-attempts.ts) when several nodes answer the same lobby.
 */
import type { Clock } from '../clock.js';

const FREE_ATTEMPTS = 5;
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 30_000;
/** Counts untouched this long are dropped, so memory (or Redis) holds only recent activity. */
export const FORGET_AFTER_MS = 60 * 60_000;
const MAX_RECORDS = 100_000;

export interface PasswordAttempts {
  /**
   * One answer from `source`. Answers the milliseconds it must still wait (the answer is then
   * not taken, nor counted), or 0: taken, and counted (a wrong answer adds a failure, a right
   * one clears the record). Checking and counting are one step, so answers sent in parallel
   * cannot all slip through the same opening.
   */
  answer(meetingId: string, source: string, right: boolean): Promise<number>;
}

interface FailureCount {
  failures: number;
  /** No answer is taken before this instant (ms since epoch). */
  notBeforeMs: number;
  touchedMs: number;
}

/** The slow-down of a single node. */
export class InMemoryPasswordAttempts implements PasswordAttempts {
  private readonly records = new Map<string, FailureCount>();

  constructor(private readonly clock: Clock) {}

  async answer(meetingId: string, source: string, right: boolean): Promise<number> {
    const now = this.clock.now().getTime();
    const k = key(meetingId, source);
    const record = this.records.get(k);
    if (record && now - record.touchedMs > FORGET_AFTER_MS) this.records.delete(k);
    else if (record && record.notBeforeMs > now) return record.notBeforeMs - now;
    if (right) {
      this.records.delete(k);
      return 0;
    }
    this.sweep(now);
    const counted = this.records.get(k) ?? { failures: 0, notBeforeMs: 0, touchedMs: now };
    counted.failures += 1;
    counted.touchedMs = now;
    counted.notBeforeMs = now + delayAfter(counted.failures);
    this.records.set(k, counted);
    return 0;
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

/** delayAfter(1), delayAfter(2)... up to the first that reaches the cap (which then holds). */
export function delaySchedule(): number[] {
  const delays: number[] = [];
  for (let failures = 1; delays.at(-1) !== MAX_DELAY_MS; failures += 1) {
    delays.push(delayAfter(failures));
  }
  return delays;
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
