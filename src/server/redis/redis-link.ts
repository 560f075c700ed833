/**
 * The connection to the Redis that several nodes share (REDIS_URL): one connection for commands
 * and one for pub/sub (a subscribed connection may run no other command), shared by every user
 * on this node: the room bus, the password slow-down, the login rate limit, settings changes and
 * the Janus placement. Keys and channels are namespaced under `tertulia:`.
 *
 * Commands fail at once while Redis is down instead of queueing: a join then gets a clear 503
 * rather than hanging, and ioredis keeps reconnecting in the background (re-subscribing too).
 */
import { Redis } from 'ioredis';

type Log = { info(msg: string): void; warn(obj: object, msg: string): void };

const PREFIX = 'tertulia:';
/** Reconnect attempts back off to this period, so Redis coming back is noticed within 1 s. */
const MAX_RECONNECT_DELAY_MS = 1_000;
/** A command Redis does not answer in this time fails (a hung Redis must not hang requests). */
const COMMAND_TIMEOUT_MS = 2_000;

export class RedisLink {
  /** For commands; never subscribed. */
  readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  /** Each channel's SUBSCRIBE, which every listener of the channel waits for. */
  private readonly subscriptions = new Map<string, Promise<unknown>>();
  private wasDown = false;

  private constructor(url: string, log: Log) {
    const options = {
      lazyConnect: true,
      retryStrategy: (times: number) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
    };
    this.commands = new Redis(url, {
      ...options,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    // The subscriber queues its SUBSCRIBE commands until it is connected again.
    this.subscriber = new Redis(url, options);
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
    for (const client of [this.commands, this.subscriber]) {
      // Without a listener, ioredis reports each failed reconnect as an unhandled error.
      client.on('error', (err: Error) => {
        if (!this.wasDown) log.warn({ err: { message: err.message } }, 'redis unreachable');
        this.wasDown = true;
      });
      client.on('ready', () => {
        if (this.wasDown) log.info('redis reachable again');
        this.wasDown = false;
      });
    }
  }

  /** Connects both connections; fails (with the reason) when Redis cannot be reached. */
  static async open(url: string, log: Log): Promise<RedisLink> {
    const link = new RedisLink(url, log);
    try {
      await Promise.all([link.commands.connect(), link.subscriber.connect()]);
    } catch (error) {
      link.commands.disconnect();
      link.subscriber.disconnect();
      throw new Error(`Redis at ${redactedUrl(url)} cannot be reached: ${String(error)}`, {
        cause: error,
      });
    }
    return link;
  }

  /** `tertulia:<parts joined by :>`. */
  key(...parts: string[]): string {
    return PREFIX + parts.join(':');
  }

  get isUp(): boolean {
    return this.commands.status === 'ready';
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.commands.publish(this.key(channel), message);
  }

  /**
   * Calls `listener` with each message on `channel` until the returned function is called.
   * The listener is in place at once (listeners of a channel are called in the order they
   * subscribed); the promise resolves once Redis has the subscription.
   */
  async subscribe(channel: string, listener: (message: string) => void): Promise<() => void> {
    const name = this.key(channel);
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
      this.subscriptions.set(name, this.subscriber.subscribe(name));
    }
    set.add(listener);
    const unsubscribe = () => {
      const current = this.listeners.get(name);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(name);
      this.subscriptions.delete(name);
      void this.subscriber.unsubscribe(name).catch(() => {});
    };
    try {
      await this.subscriptions.get(name);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
  }
}

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}
