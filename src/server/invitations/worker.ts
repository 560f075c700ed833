/**
 * Delivers outbox rows: claims due rows, sends each through its channel's transport, and
 * records the outcome. Transient failures are retried with exponential backoff and full
 * jitter until the row's retry window ends; permanent ones fail at once with the reason.
 * Meeting changes never wait for this: they only wake it.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import {
  DeliveryError,
  type EmailTransport,
  type OutboundMessage,
  type SmsTransport,
} from './messages.js';
import type { OutboxRow, OutboxStore } from './outbox.js';

export interface WorkerOptions {
  /** First retry delay; doubles each attempt up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How often to look for due rows when nothing wakes the worker. */
  pollMs: number;
  /** Rows sent at the same time (SMTP pool and SMPP window absorb them). */
  concurrency: number;
  /** Told the outcome of every send attempt (the metrics count them). */
  onOutcome?: (channel: Channel, outcome: 'sent' | 'retry' | 'failed') => void;
}

export interface Transports {
  email: EmailTransport | undefined;
  sms: SmsTransport | undefined;
}

type Channel = 'email' | 'sms';
const CHANNELS: Channel[] = ['email', 'sms'];

/**
 * One loop per channel, each with its own claims and lanes: a slow mail server (500 ms a
 * message in bench/invitations.ts) must not hold text messages back behind it.
 */
export class DeliveryWorker {
  private running = false;
  private stopping = false;
  private readonly wakers = new Map<Channel, () => void>();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly store: OutboxStore,
    private readonly transports: Transports,
    private readonly clock: Clock,
    private readonly log: Pick<Logger, 'info' | 'warn' | 'error'>,
    private readonly options: WorkerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = CHANNELS.map((channel) => this.run(channel));
  }

  /** New rows may be due: look now instead of at the next poll. */
  wake(): void {
    for (const wake of this.wakers.values()) wake();
  }

  /** Stops claiming, lets sends under way finish, and closes the transports. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.wake();
    await Promise.all(this.loops);
    await Promise.allSettled([this.transports.email?.close(), this.transports.sms?.close()]);
  }

  /** Runs until no row is due now; for tests and the benchmark. */
  async drain(): Promise<void> {
    for (const channel of CHANNELS) {
      while ((await this.runOnce(channel)) > 0) {
        // keep going while rows were found
      }
    }
  }

  private async run(channel: Channel): Promise<void> {
    while (this.running) {
      let found = 0;
      try {
        found = await this.runOnce(channel);
      } catch (err) {
        this.log.error({ err, channel }, 'outbox worker cycle failed');
      }
      if (found === 0 && this.running) await this.sleep(channel, this.options.pollMs);
    }
  }

  private async runOnce(channel: Channel): Promise<number> {
    const rows = await this.store.claimDue(channel, this.options.concurrency * 4);
    if (rows.length === 0) return 0;
    let next = 0;
    const lanes = Array.from(
      { length: Math.min(this.options.concurrency, rows.length) },
      async () => {
        while (next < rows.length) {
          const row = rows[next++] as OutboxRow;
          // After stop() the remaining claimed rows are handed back untouched.
          if (this.stopping) {
            await this.store.release([row.id]);
            continue;
          }
          await this.deliver(row);
        }
      },
    );
    await Promise.all(lanes);
    return rows.length;
  }

  private async deliver(row: OutboxRow): Promise<void> {
    try {
      await this.send(JSON.parse(row.payload) as OutboundMessage);
    } catch (error) {
      this.options.onOutcome?.(row.channel, await this.recordFailure(row, error));
      return;
    }
    await this.store.markSent(row.id);
    this.options.onOutcome?.(row.channel, 'sent');
  }

  private async send(message: OutboundMessage): Promise<void> {
    if (message.channel === 'email') {
      if (!this.transports.email)
        throw new DeliveryError('No email transport configured', 'permanent');
      await this.transports.email.send(message);
    } else {
      if (!this.transports.sms) throw new DeliveryError('No SMS transport configured', 'permanent');
      await this.transports.sms.send(message);
    }
  }

  private async recordFailure(row: OutboxRow, error: unknown): Promise<'retry' | 'failed'> {
    const reason = error instanceof Error ? error.message : String(error);
    const permanent = error instanceof DeliveryError && error.kind === 'permanent';
    const now = this.clock.now();
    if (permanent) {
      this.log.warn({ outboxId: row.id, channel: row.channel, reason }, 'delivery failed for good');
      await this.store.markFailed(row.id, reason);
      return 'failed';
    }
    if (now.toISOString() >= row.give_up_at) {
      this.log.warn(
        { outboxId: row.id, channel: row.channel, reason },
        'delivery retries exhausted',
      );
      await this.store.markFailed(row.id, `Gave up after ${row.attempts} attempts: ${reason}`);
      return 'failed';
    }
    const delay = this.backoffMs(row.attempts);
    this.log.info(
      { outboxId: row.id, channel: row.channel, reason, delay },
      'delivery will be retried',
    );
    await this.store.scheduleRetry(row.id, new Date(now.getTime() + delay), reason);
    return 'retry';
  }

  /** Exponential backoff with full jitter, at least half the step so retries still spread out. */
  private backoffMs(attempts: number): number {
    const step = Math.min(
      this.options.retryMaxMs,
      this.options.retryBaseMs * 2 ** Math.max(0, attempts - 1),
    );
    return Math.round(step / 2 + Math.random() * (step / 2));
  }

  private sleep(channel: Channel, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakers.set(channel, done);
    });
  }
}
