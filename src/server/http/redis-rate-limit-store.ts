/**
 * The store @fastify/rate-limit counts in when several nodes share REDIS_URL: a fixed window per
 * route and client, one Redis key each (`tertulia:rate-limit:<METHOD> <url>:<client>`), so a
 * client spreading its logins over the nodes meets the same limit as on one node.
 *
 * The plugin's own Redis store (`redis:` option) counts the same way, but lets a Redis failure
 * through as it is, which only the 500 INTERNAL branch of our error handler can answer. This one
 * fails as 503 SERVICE_UNAVAILABLE with a Retry-After instead. Whether a route then refuses
 * (fail closed) or goes unlimited (fail open) is the route's `skipOnError`; see app.ts.
 */
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { AppError } from '../errors.js';
import type { RedisLink } from '../redis/redis-link.js';

/** KEYS[1]: the counter. ARGV[1]: the window (ms). Answers { count in window, ms left }. */
const FIXED_WINDOW_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { current, redis.call('PTTL', KEYS[1]) }
`;

/** How soon a refused client may try again while Redis is unreachable (it reconnects within 1 s). */
const RETRY_WHILE_DOWN_MS = 2_000;

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

export class RedisRateLimitStore implements FastifyRateLimitStore {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix = link.key('rate-limit'),
  ) {}

  incr(key: string, callback: Callback, timeWindow: number): void {
    this.link.commands
      .eval(FIXED_WINDOW_SCRIPT, 1, `${this.prefix}:${key}`, String(timeWindow))
      .then((reply) => {
        const [current, ttl] = reply as [number, number];
        callback(null, { current, ttl: Math.max(0, ttl) });
      })
      .catch((error: unknown) => {
        callback(
          new AppError('SERVICE_UNAVAILABLE', {
            details: { retryAfterMs: RETRY_WHILE_DOWN_MS },
            cause: error,
          }),
        );
      });
  }

  /**
   * A store for one route's own limit. The plugin hands over its merged options, the route in
   * `routeInfo` (not the RouteOptions its types declare), as its own Redis store reads them.
   */
  child(options: Parameters<FastifyRateLimitStore['child']>[0]): RedisRateLimitStore {
    const route = (options as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
    return new RedisRateLimitStore(
      this.link,
      `${this.prefix}:${String(route?.method ?? '')} ${String(route?.url ?? '')}`,
    );
  }
}

/** The constructor the plugin's `store` option takes, over one link. */
export function redisRateLimitStore(link: RedisLink) {
  return class extends RedisRateLimitStore {
    constructor() {
      super(link);
    }
  };
}
