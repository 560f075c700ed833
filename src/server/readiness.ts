/**
 * Whether this node should be sent work (`/readyz`): its database answers, its Redis (when
 * several nodes share one) answers, and it is not draining. Liveness (`/healthz`) is another
 * question: a node whose database is down is alive, and restarting it would not help.
 */
import { sql } from 'kysely';
import type { RedisLink } from './redis/redis-link.js';
import type { Db } from './storage/database.js';

/** A check that has not answered in this time counts as down (a hung peer must not hang us). */
const CHECK_TIMEOUT_MS = 2_000;

export type CheckState = 'up' | 'down';

export type ReadinessReport =
  | { status: 'ready' | 'unavailable'; checks: { database: CheckState; redis?: CheckState } }
  | { status: 'draining' };

export class Readiness {
  private drainingNow = false;

  constructor(
    private readonly db: Db,
    private readonly redis: RedisLink | undefined,
  ) {}

  /** From SIGTERM on: new work is refused and the balancer is told to look elsewhere. */
  get draining(): boolean {
    return this.drainingNow;
  }

  drain(): void {
    this.drainingNow = true;
  }

  /** Asks each dependency now; a draining node answers at once, without asking. */
  async check(): Promise<ReadinessReport> {
    if (this.drainingNow) return { status: 'draining' };
    const [database, redis] = await Promise.all([
      probe(() => sql`select 1`.execute(this.db)),
      this.redis ? probe(() => this.pingRedis(this.redis as RedisLink)) : undefined,
    ]);
    const checks = redis === undefined ? { database } : { database, redis };
    const ready = database === 'up' && (redis === undefined || redis === 'up');
    return { status: ready ? 'ready' : 'unavailable', checks };
  }

  private async pingRedis(redis: RedisLink): Promise<void> {
    // A link that knows it is down would only fail the PING; say so without the round trip.
    if (!redis.isUp) throw new Error('redis link is down');
    await redis.commands.ping();
  }
}

async function probe(check: () => Promise<unknown>): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
