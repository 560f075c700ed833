/**
 * The password slow-down shared by every node (REDIS_URL): one Redis hash per meeting and
 * source, `{ failures, notBefore }`, checked and counted by one Lua script so that answers
 * sent in parallel to several nodes cannot all pass the same opening. A record expires after
 * FORGET_AFTER_MS without a wrong answer. Instants come from the node's clock (the same one
 * the join window uses); nodes a few milliseconds apart only move a wait by as much.
 *
 * While Redis is down this fails closed: every answer to a protected meeting gets 503
 * SERVICE_UNAVAILABLE, right or wrong. Failing open would hand an attacker unlimited free
 * guesses for as long as Redis stays away (and they may be the one keeping it away); telling
 * right from wrong without counting would be the same. A person with the right password gets
 * a clear "try again in a moment", and meetings without a password are not affected.
 */
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { RedisLink } from '../redis/redis-link.js';
import { FORGET_AFTER_MS, delaySchedule, type PasswordAttempts } from './password-attempts.js';

/**
 * KEYS[1]: the record. ARGV: now (ms), 1 for a right answer, FORGET_AFTER_MS, then the delay
 * after the 1st, 2nd... wrong answer (the last one holds from then on).
 * Answers the wait in ms (the answer is not taken), or 0 (taken and counted).
 */
const ANSWER_SCRIPT = `
local now = tonumber(ARGV[1])
local notBefore = tonumber(redis.call('HGET', KEYS[1], 'notBefore') or '0')
if notBefore > now then return notBefore - now end
if ARGV[2] == '1' then
  redis.call('DEL', KEYS[1])
  return 0
end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local delays = #ARGV - 3
local delay = tonumber(ARGV[3 + math.min(failures, delays)])
redis.call('HSET', KEYS[1], 'notBefore', now + delay)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0
`;

/** How soon a refused person may try again while Redis is unreachable (the link reconnects within 1 s). */
const RETRY_WHILE_DOWN_MS = 2_000;

export class RedisPasswordAttempts implements PasswordAttempts {
  private readonly delays = delaySchedule().map(String);

  constructor(
    private readonly link: RedisLink,
    private readonly clock: Clock,
  ) {}

  async answer(meetingId: string, source: string, right: boolean): Promise<number> {
    const key = this.link.key('password-attempts', meetingId, source);
    const args = [String(this.clock.now().getTime()), right ? '1' : '0', String(FORGET_AFTER_MS)];
    try {
      const waitMs = await this.link.commands.eval(ANSWER_SCRIPT, 1, key, ...args, ...this.delays);
      return Number(waitMs);
    } catch (error) {
      throw new AppError('SERVICE_UNAVAILABLE', {
        details: { retryAfterMs: RETRY_WHILE_DOWN_MS },
        cause: error,
      });
    }
  }
}
