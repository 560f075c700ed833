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
import { LeaseKeeper } from './lease-keeper.js';
import type { ClaimedRow, OutboxStore } from './outbox.js';

type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'skipped';

export interface WorkerOptions {
  /** First retry delay; doubles each attempt up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /**
   * The longest the worker sleeps when nothing wakes it: it wakes by itself when the next
   * queued row (a reminder, a retry) is due, and sooner when this node queues new rows. This
   * bound finds rows other nodes queued and leases of nodes that died.
   */
  pollMs: number;
  /** Rows sent at the same time (SMTP pool and SMPP window absorb them). */
  concurrency: number;
  /** Told the outcome of every send attempt (the metrics count them). */
  onOutcome?: (channel: Channel, outcome: DeliveryOutcome) => void;
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

  /** Stops claiming, lets sends under way finish, gives the rest back, closes the transports. */
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
      if (found === 0 && this.running) await this.sleep(channel, await this.idleMs(channel));
    }
  }

  /** How long to sleep: until the channel's next row is due, at most `pollMs`. */
  private async idleMs(channel: Channel): Promise<number> {
    try {
      const due = await this.store.nextDueAt(channel);
      if (!due) return this.options.pollMs;
      // A millisecond past it: text timestamps compare equal at the due instant itself.
      const waitMs = due.getTime() - this.clock.now().getTime() + 1;
      return Math.max(0, Math.min(this.options.pollMs, waitMs));
    } catch (err) {
      this.log.error({ err, channel }, 'outbox next due time unknown');
      return this.options.pollMs;
    }
  }

  private async runOnce(channel: Channel): Promise<number> {
    const rows = await this.store.claimDue(channel, this.options.concurrency * 4);
    if (rows.length === 0) return 0;
    const keeper = new LeaseKeeper(this.store, rows, this.log);
    let next = 0;
    const lane = async () => {
      // After stop() the rows not yet started are handed back below, untouched.
      while (next < rows.length && !this.stopping) {
        const row = rows[next++] as ClaimedRow;
        await this.deliverHeld(row, keeper);
        keeper.done(row.id);
      }
    };
    try {
      await Promise.all(
        Array.from({ length: Math.min(this.options.concurrency, rows.length) }, lane),
      );
      await this.store.release(rows.slice(next));
    } finally {
      await keeper.stop();
    }
    return rows.length;
  }

  private async deliverHeld(row: ClaimedRow, keeper: LeaseKeeper): Promise<void> {
    if (!keeper.holds(row.id)) {
      this.log.warn(
        { outboxId: row.id },
        'outbox row taken over by another worker before its send',
      );
      return;
    }
    try {
      await this.deliver(row);
    } catch (err) {
      // The outcome could not be written (database unreachable): the lease runs out and the row
      // is sent again, with the same Message-ID.
      this.log.error({ err, outboxId: row.id }, 'outbox delivery outcome not recorded');
    }
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    if (this.tooLate(row)) {
      const reason = `Not sent: the meeting began at ${row.not_after} before the reminder could go out`;
      this.log.warn({ outboxId: row.id, channel: row.channel }, 'reminder skipped, too late');
      if (await this.store.markSkipped(row, reason))
        this.options.onOutcome?.(row.channel, 'skipped');
      else this.warnTakenOver(row, 'skipped');
      return;
    }
    try {
      await this.send(JSON.parse(row.payload) as OutboundMessage);
    } catch (error) {
      const outcome = await this.recordFailure(row, error);
      if (outcome) this.options.onOutcome?.(row.channel, outcome);
      return;
    }
    if (await this.store.markSent(row)) this.options.onOutcome?.(row.channel, 'sent');
    else this.warnTakenOver(row, 'sent');
  }

  /**
   * A reminder still unsent when its meeting begins (the server was down at its time, or its
   * relay kept failing) is skipped: it would tell people to hurry to a meeting under way.
   */
  private tooLate(row: ClaimedRow): boolean {
    return row.not_after !== null && this.clock.now().toISOString() >= row.not_after;
  }

  /**
   * This worker's lease ran out mid-send (a pause longer than the lease) and another worker
   * took the row: that one's outcome stands, and a recipient who gets both copies sees one
   * Message-ID and one calendar event.
   */
  private warnTakenOver(row: ClaimedRow, outcome: string): void {
    this.log.warn(
      { outboxId: row.id, channel: row.channel, outcome },
      'outbox row taken over by another worker during its send; its outcome stands',
    );
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

  /** Records the failure; the outcome, or undefined when another worker had taken the row. */
  private async recordFailure(
    row: ClaimedRow,
    error: unknown,
  ): Promise<'retry' | 'failed' | undefined> {
    const reason = error instanceof Error ? error.message : String(error);
    const permanent = error instanceof DeliveryError && error.kind === 'permanent';
    const now = this.clock.now();
    if (permanent) {
      this.log.warn({ outboxId: row.id, channel: row.channel, reason }, 'delivery failed for good');
      if (await this.store.markFailed(row, reason)) return 'failed';
      this.warnTakenOver(row, 'failed');
      return undefined;
    }
    if (now.toISOString() >= row.give_up_at) {
      this.log.warn(
        { outboxId: row.id, channel: row.channel, reason },
        'delivery retries exhausted',
      );
      const gaveUp = `Gave up after ${row.attempts} attempts: ${reason}`;
      if (await this.store.markFailed(row, gaveUp)) return 'failed';
      this.warnTakenOver(row, 'failed');
      return undefined;
    }
    const delay = this.backoffMs(row.attempts);
    this.log.info(
      { outboxId: row.id, channel: row.channel, reason, delay },
      'delivery will be retried',
    );
    const at = new Date(now.getTime() + delay);
    if (await this.store.scheduleRetry(row, at, reason)) return 'retry';
    this.warnTakenOver(row, 'retry');
    return undefined;
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
