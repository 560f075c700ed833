/**
 * Email transport over SMTP (nodemailer), for any relay reachable by URL. It sends what the
 * outbox rendered and reports each failure as transient (the worker retries later) or permanent
 * (the organizer is told why); retrying is left to the worker.
 */
import nodemailer, { type NodemailerError, type SMTPPoolOptions } from 'nodemailer';
import { DeliveryError, type EmailMessage, type EmailTransport } from '../messages.js';

export interface SmtpTransportOptions {
  /** SMTP_URL: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  url: string;
  /** MAIL_FROM: the From header and envelope sender, e.g. `Tertulia <meetings@example.com>`. */
  from: string;
  /** Pooled connections; a few are plenty for one worker and kind to the relay. Default 3. */
  maxConnections?: number;
  /** Defaults: connect 10 s, greeting 10 s, socket inactivity 30 s. */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

type Mailer = ReturnType<typeof createPool>;

export class SmtpTransport implements EmailTransport {
  private readonly mailer: Mailer;
  private readonly from: string;
  private readonly secrets: string[];

  constructor(options: SmtpTransportOptions) {
    const url = parseSmtpUrl(options.url);
    if (!/@/.test(options.from)) throw new Error('MAIL_FROM must contain an email address');
    this.from = options.from;
    this.secrets = [url.password, safeDecode(url.password)].filter((s) => s.length > 0);
    this.mailer = createPool(options);
  }

  async send(message: EmailMessage): Promise<void> {
    try {
      await this.mailer.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        // Stable per invitation version and recipient: a retry after a lost reply is the same
        // Message-ID, so receiving systems can recognise the duplicate.
        messageId: message.messageId,
        text: message.text,
        html: message.html,
        // nodemailer puts the ICS in twice, as calendar clients expect: as the
        // `text/calendar; method=…` alternative (what Outlook and Gmail act on) and as an
        // `application/ics` attachment named below (what other clients offer to open). A
        // separate `attachments` entry would only add a third copy.
        ...(message.ics !== null && message.icsMethod !== null
          ? {
              icalEvent: {
                method: message.icsMethod,
                filename: 'invite.ics',
                content: message.ics,
              },
            }
          : {}),
      });
    } catch (error) {
      throw toDeliveryError(error, this.secrets);
    }
  }

  /** Closes the pool: idle connections at once, a connection mid-message once it is done. */
  async close(): Promise<void> {
    this.mailer.close();
  }
}

function createPool(options: SmtpTransportOptions) {
  const pool: SMTPPoolOptions & { pool: true } = {
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections ?? 3,
    // Retrying is the outbox worker's job (backoff, give-up time, reason shown). The pool only
    // resends a message whose connection closed before the message was started (the server
    // ended an idle session just as the pool picked it): nothing reached the server, so that is
    // safe. A connection lost during the transaction is reported, since the server may have it.
    maxRequeues: 2,
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    greetingTimeout: options.greetingTimeoutMs ?? 10_000,
    socketTimeout: options.socketTimeoutMs ?? 30_000,
    // Every message is built from strings; nothing may make nodemailer read a file or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    // No logger and no debug: SMTP transcripts would include the AUTH exchange.
    logger: false,
    debug: false,
  };
  return nodemailer.createTransport(pool);
}

function parseSmtpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Never echo the value: it holds the relay password.
    throw new Error('SMTP_URL is not a valid URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new Error('SMTP_URL has no host');
  return url;
}

/** The password as the server sees it, or as written when its %-escapes are malformed. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Errors that come from our own setup rather than from this message: fixable, so retried. */
const SETUP_CODES = new Set(['EAUTH', 'ENOAUTH', 'ETLS', 'EREQUIRETLS', 'EPROXY', 'ECONFIG']);

/**
 * Maps a nodemailer error to the outbox's two outcomes, with a reason fit to show the organizer.
 *
 * - A 5xx reply is permanent: the server refused this message or recipient, and would again.
 *   Except 503 (bad command sequence), which is about the session, and 5xx in answer to AUTH,
 *   which is about our credentials: both are retried, as a fix on our side makes them pass.
 * - A 4xx reply is transient: the server asked us to come back later.
 * - No reply (refused, reset, timed out, DNS, dropped during DATA) is transient.
 * - A message nodemailer refuses to send before talking to the server (no valid recipient,
 *   too big for the server's SIZE) is permanent: it will never go through.
 */
export function toDeliveryError(error: unknown, secrets: string[] = []): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const err = (error ?? {}) as NodemailerError;
  const code = err.code ?? 'UNKNOWN';
  const setup = SETUP_CODES.has(code);
  if (typeof err.responseCode === 'number') {
    const reply = oneLine(err.response ?? String(err.responseCode));
    const permanent =
      err.responseCode >= 500 && err.responseCode < 600 && err.responseCode !== 503 && !setup;
    const message = permanent
      ? `The mail server refused the message: ${reply}`
      : setup
        ? `The mail server refused our login: ${reply}`
        : `The mail server deferred the message: ${reply}`;
    return new DeliveryError(redact(message, secrets), permanent ? 'permanent' : 'transient', {
      cause: error,
    });
  }
  const refused = code === 'EENVELOPE' || code === 'EMESSAGE';
  const detail = redact(oneLine(err.message ?? String(error)), secrets);
  const socketCode = err.originalCode && err.originalCode !== code ? `/${err.originalCode}` : '';
  const message = refused
    ? `The message could not be sent: ${detail}`
    : `Could not deliver to the mail server (${code}${socketCode}): ${detail}`;
  return new DeliveryError(message, refused ? 'permanent' : 'transient', { cause: error });
}

/** Multi-line replies (`550-…\r\n550 …`) become one line, capped for a status column. */
function oneLine(text: string): string {
  const flat = text.replace(/\s*\r?\n\s*/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

function redact(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}
