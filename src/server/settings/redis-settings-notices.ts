/**
 * Settings changes announced on the Redis link (channel `tertulia:settings`) when several nodes
 * share REDIS_URL: each node drops its settings cache on every message, so a change made on one
 * node applies on all of them at the next read. The message carries nothing: every node reads
 * the new values from the database, the one place they live.
 */
import type { RedisLink } from '../redis/redis-link.js';
import type { SettingsNotices } from './settings.js';

const CHANNEL = 'settings';

type Log = { warn(obj: object, msg: string): void };

export class RedisSettingsNotices implements SettingsNotices {
  constructor(
    private readonly link: RedisLink,
    private readonly log: Log,
  ) {}

  async announce(): Promise<void> {
    try {
      await this.link.publish(CHANNEL, 'changed');
    } catch (error) {
      // The change is committed; the other nodes see it when their cache expires.
      this.log.warn(
        { err: { message: String(error) } },
        'settings change not announced to other nodes',
      );
    }
  }

  listen(onChange: () => void): void {
    // The subscriber connection queues SUBSCRIBE until Redis is reachable, and subscribes
    // again after every reconnect; it fails only once the link is closed.
    this.link.subscribe(CHANNEL, onChange).catch((error: unknown) => {
      this.log.warn({ err: { message: String(error) } }, 'not listening to settings changes');
    });
  }
}
