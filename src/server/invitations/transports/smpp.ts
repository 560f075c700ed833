/**
 * SMS over SMPP 3.4 to an SMSC, bound as a transmitter: we only submit, and ask for no
 * delivery receipts. Configured from
 *
 *   smpp://<system_id>:<password>@<host>[:<port>][?source=<sender>]
 *
 * The port defaults to 2775; system_id and password are percent-decoded. `source` is the sender
 * the handset shows: a name (TON 5, NPI 0, at most 11 characters, the GSM limit) or a number in
 * international form, with or without + (TON 1, NPI 1). The `source` option, when given, wins
 * over the query; with neither the SMSC's default sender is used.
 *
 * One bind serves the process: opened on the first send, kept alive with enquire_link, reopened
 * with backoff whenever it drops. A send waits for the bind up to `bindTimeoutMs`, then fails
 * transient so the outbox retries it later rather than holding a worker lane.
 */
import type { Logger } from 'pino';
import { randomInt } from 'node:crypto';
import smpp, { type Pdu, type Session } from 'smpp';
import { DeliveryError, type SmsMessage, type SmsTransport } from '../messages.js';
import { encodeSms } from '../sms-encoding.js';

export interface SmppTransportOptions {
  url: string;
  /** Sender; overrides `?source=` in the URL. */
  source?: string;
  /** How long a send waits for a bound session. Default 10 s. */
  bindTimeoutMs?: number;
  /** How long any request waits for its response before the link is dropped. Default 10 s. */
  responseTimeoutMs?: number;
  /** Keep-alive period; SMSCs and NATs drop idle binds. Default 30 s. */
  enquireLinkIntervalMs?: number;
  /** Reconnect delay: doubles from min to max after each failure, jittered. Default 1 s..60 s. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

const ESME_ROK = 0x00;
const ESME_RINVBNDSTS = 0x04;

type Command = 'bind_transmitter' | 'submit_sm' | 'enquire_link' | 'unbind';

/** One TCP connection and what hangs on it; a reconnect makes a new one. */
interface Link {
  session: Session;
  bound: boolean;
  /** Rejects every request still waiting for a response when the connection closes. */
  pending: Set<(error: DeliveryError) => void>;
}

interface Waiter {
  resolve: (link: Link) => void;
  reject: (error: DeliveryError) => void;
}

/** Statuses worded for people, by node-smpp's names (SMPP 3.4, section 5.1.3). */
const STATUS_REASONS: Readonly<Record<string, string>> = {
  ESME_RINVMSGLEN: 'invalid message length',
  ESME_RINVBNDSTS: 'not bound',
  ESME_RSYSERR: 'SMSC system error',
  ESME_RINVSRCADR: 'invalid source address',
  ESME_RINVDSTADR: 'invalid destination address',
  ESME_RBINDFAIL: 'bind failed',
  ESME_RINVPASWD: 'invalid password',
  ESME_RINVSYSID: 'invalid system_id',
  ESME_RMSGQFUL: 'message queue full',
  ESME_RSUBMITFAIL: 'submit failed',
  ESME_RINVSRCTON: 'invalid source TON',
  ESME_RINVDSTTON: 'invalid destination TON',
  ESME_RTHROTTLED: 'throttled',
  ESME_RINVDCS: 'invalid data coding',
};
/** The SMSC is busy or failing, not the message: try again later. */
const TRANSIENT_STATUSES = new Set([
  'ESME_RTHROTTLED',
  'ESME_RMSGQFUL',
  'ESME_RSYSERR',
  // "Incorrect bind status": the SMSC lost track of our bind; the message itself is fine.
  'ESME_RINVBNDSTS',
]);
/** Every status node-smpp knows, so even an unusual refusal is named in the reason. */
const STATUS_NAMES = new Map(Object.entries(smpp.errors).map(([name, code]) => [code, name]));

/** "invalid destination address (ESME_RINVDSTADR, 0x0000000B)" */
function describeStatus(code: number): string {
  const hex = `0x${code.toString(16).toUpperCase().padStart(8, '0')}`;
  const name = STATUS_NAMES.get(code) ?? 'unknown status';
  return `${STATUS_REASONS[name] ?? 'refused'} (${name}, ${hex})`;
}

export class SmppTransport implements SmsTransport {
  private readonly host: string;
  private readonly port: number;
  private readonly systemId: string;
  private readonly password: string;
  private readonly sourceFields: Record<string, string | number>;
  private readonly timing: Required<Omit<SmppTransportOptions, 'url' | 'source' | 'logger'>>;
  private readonly log: Pick<Logger, 'info' | 'warn'> | undefined;

  private link: Link | undefined;
  private readonly waiters = new Set<Waiter>();
  private reconnectTimer: NodeJS.Timeout | undefined;
  private enquireTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  /** Why the last bind attempt failed, to explain a send that timed out waiting for it. */
  private lastProblem: string | undefined;
  private closed = false;
  /**
   * The concatenation reference of the next long text. Handed out in turn, not drawn at random
   * per message: a handset joins parts by (sender, reference), so two long texts sent to one
   * number close together must not share one, and a random draw would collide 1 time in 256.
   */
  private nextReference = randomInt(256);

  constructor(options: SmppTransportOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error('SMPP URL is not a URL; expected smpp://system_id:password@host:port');
    }
    if (url.protocol !== 'smpp:' || !url.hostname || !url.username) {
      throw new Error('SMPP URL must look like smpp://system_id:password@host:port');
    }
    this.host = url.hostname;
    this.port = url.port ? Number(url.port) : 2775;
    this.systemId = decodeURIComponent(url.username);
    this.password = decodeURIComponent(url.password);
    this.sourceFields = sourceAddress(options.source ?? url.searchParams.get('source') ?? '');
    this.timing = {
      bindTimeoutMs: options.bindTimeoutMs ?? 10_000,
      responseTimeoutMs: options.responseTimeoutMs ?? 10_000,
      enquireLinkIntervalMs: options.enquireLinkIntervalMs ?? 30_000,
      reconnectMinMs: options.reconnectMinMs ?? 1_000,
      reconnectMaxMs: options.reconnectMaxMs ?? 60_000,
    };
    this.log = options.logger;
  }

  async send(message: SmsMessage): Promise<void> {
    if (!/^\+[1-9]\d{1,14}$/.test(message.to)) {
      throw new DeliveryError(`"${message.to}" is not an E.164 number`, 'permanent');
    }
    let encoded;
    try {
      encoded = encodeSms(message.text, { reference: this.nextReference });
    } catch (error) {
      throw new DeliveryError('SMS text is too long to send', 'permanent', { cause: error });
    }
    const concatenated = encoded.segments.length > 1;
    if (concatenated) this.nextReference = (this.nextReference + 1) % 256;
    // Segments go one after another; if a later one fails transient the whole message is
    // retried, so a handset may see a part twice (at-least-once, as the outbox promises).
    for (const segment of encoded.segments) {
      const link = await this.boundLink();
      const response = await this.request(link, 'submit_sm', {
        ...this.sourceFields,
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        destination_addr: message.to.slice(1),
        esm_class: concatenated ? 0x40 : 0x00,
        registered_delivery: 0,
        data_coding: encoded.dataCoding,
        short_message: segment,
      });
      const status = response.command_status;
      if (status === ESME_ROK) continue;
      const kind = TRANSIENT_STATUSES.has(STATUS_NAMES.get(status) ?? '')
        ? 'transient'
        : 'permanent';
      throw new DeliveryError(`SMSC refused the SMS: ${describeStatus(status)}`, kind);
    }
  }

  /** Unbinds politely, then ends the connection; sends still waiting fail transient. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.enquireTimer);
    this.rejectWaiters(new DeliveryError('SMPP transport closed', 'transient'));
    const link = this.link;
    if (!link || link.session.socket.destroyed) return;
    const closed = new Promise<void>((resolve) => link.session.socket.once('close', resolve));
    if (!link.bound) {
      link.session.destroy();
      return closed;
    }
    await this.request(link, 'unbind', {}).catch(() => undefined);
    // An SMSC that never closes its side must not hold shutdown up.
    const timer = setTimeout(() => link.session.destroy(), this.timing.responseTimeoutMs);
    link.session.close();
    await closed;
    clearTimeout(timer);
  }

  private boundLink(): Promise<Link> {
    if (this.closed) return Promise.reject(new DeliveryError('SMPP transport closed', 'transient'));
    if (this.link?.bound) return Promise.resolve(this.link);
    if (!this.link && !this.reconnectTimer) this.connect();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const why = this.lastProblem ? `: ${this.lastProblem}` : '';
        const error = `SMPP not bound to ${this.where()} within ${this.timing.bindTimeoutMs} ms${why}`;
        reject(new DeliveryError(error, 'transient'));
      }, this.timing.bindTimeoutMs);
      const waiter: Waiter = {
        resolve: (link) => {
          clearTimeout(timer);
          resolve(link);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.add(waiter);
    });
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    const session = smpp.connect({ host: this.host, port: this.port });
    const link: Link = { session, bound: false, pending: new Set() };
    this.link = link;
    session.on('connect', () => void this.bind(link));
    session.on('error', (error: Error) => {
      this.lastProblem = error.message;
      this.log?.warn({ err: error, smsc: this.where() }, 'SMPP connection error');
      session.destroy();
    });
    session.on('close', () => this.onClose(link));
    session.on('pdu', (pdu: Pdu) => this.answer(link, pdu));
  }

  private async bind(link: Link): Promise<void> {
    const response = await this.request(link, 'bind_transmitter', {
      system_id: this.systemId,
      password: this.password,
      interface_version: 0x34,
    }).catch(() => undefined); // a timeout has dropped the link; onClose retries
    if (!response) return;
    if (response.command_status !== ESME_ROK) {
      this.lastProblem = `bind refused: ${describeStatus(response.command_status)}`;
      this.log?.warn({ smsc: this.where(), systemId: this.systemId }, this.lastProblem);
      // A refusal (bad credentials, SMSC at capacity) will not turn into a bind within the
      // wait, so waiting sends fail now and free their worker lanes; retries come later.
      this.rejectWaiters(new DeliveryError(`SMPP ${this.lastProblem}`, 'transient'));
      link.session.destroy();
      return;
    }
    link.bound = true;
    this.failures = 0;
    this.lastProblem = undefined;
    this.log?.info({ smsc: this.where(), systemId: this.systemId }, 'SMPP bound as transmitter');
    this.enquireTimer = setInterval(() => {
      // No answer within the response timeout drops the link, which reconnects.
      this.request(link, 'enquire_link', {}).catch(() => undefined);
    }, this.timing.enquireLinkIntervalMs);
    this.enquireTimer.unref();
    for (const waiter of this.waiters) waiter.resolve(link);
    this.waiters.clear();
  }

  /** Requests the SMSC makes of us; responses are matched to their callbacks by node-smpp. */
  private answer(link: Link, pdu: Pdu): void {
    if (pdu.isResponse()) return;
    if (pdu.command === 'enquire_link') {
      link.session.send(pdu.response());
    } else if (pdu.command === 'unbind') {
      link.session.send(pdu.response());
      link.session.close();
    } else {
      // A transmitter receives no messages; say so rather than leave the SMSC waiting.
      link.session.send(pdu.response({ command_status: ESME_RINVBNDSTS }));
    }
  }

  private onClose(link: Link): void {
    link.bound = false;
    clearInterval(this.enquireTimer);
    for (const fail of link.pending) fail(new DeliveryError('SMPP connection closed', 'transient'));
    if (this.link !== link) return;
    this.link = undefined;
    if (this.closed) return;
    const stepMs = Math.min(
      this.timing.reconnectMaxMs,
      this.timing.reconnectMinMs * 2 ** this.failures,
    );
    const delayMs = stepMs / 2 + Math.random() * (stepMs / 2);
    this.failures += 1;
    this.log?.info({ smsc: this.where(), delayMs: Math.round(delayMs) }, 'SMPP reconnecting');
    this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
    this.reconnectTimer.unref();
  }

  private request(link: Link, command: Command, fields: Record<string, unknown>): Promise<Pdu> {
    return new Promise((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        link.pending.delete(fail);
      };
      const fail = (error: DeliveryError) => {
        settle();
        reject(error);
      };
      const timer = setTimeout(() => {
        fail(
          new DeliveryError(
            `SMSC did not answer ${command} in ${this.timing.responseTimeoutMs} ms`,
            'transient',
          ),
        );
        // An unanswered request means the link can no longer be trusted: start afresh.
        link.session.destroy();
      }, this.timing.responseTimeoutMs);
      link.pending.add(fail);
      const sent = link.session[command](fields, (pdu) => {
        settle();
        resolve(pdu);
      });
      if (!sent) fail(new DeliveryError('SMPP connection is not writable', 'transient'));
    });
  }

  private rejectWaiters(error: DeliveryError): void {
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
  }

  /** host:port, for logs and errors; the password never appears in either. */
  private where(): string {
    return `${this.host}:${this.port}`;
  }
}

/** submit_sm source fields for a configured sender. */
function sourceAddress(source: string): Record<string, string | number> {
  if (source === '') return { source_addr: '', source_addr_ton: 0, source_addr_npi: 0 };
  if (/^\+?\d{1,15}$/.test(source)) {
    return { source_addr: source.replace('+', ''), source_addr_ton: 1, source_addr_npi: 1 };
  }
  if (!/^[\x20-\x7e]{1,11}$/.test(source)) {
    throw new Error(`SMS sender "${source}" must be a number or at most 11 ASCII characters`);
  }
  return { source_addr: source, source_addr_ton: 5, source_addr_npi: 0 };
}
