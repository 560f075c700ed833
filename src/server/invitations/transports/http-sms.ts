/**
 * SMS through an HTTP gateway, for providers (or a small adapter in front of one) that speak
 * this contract:
 *
 *   POST <SMS_URL, credentials removed>
 *   Authorization: Bearer <token>
 *   Content-Type: application/json
 *   {"to": "+34612345678", "from": "Tertulia", "text": "..."}
 *
 * - 2xx: accepted; the body is ignored.
 * - 429 and 5xx: transient, the outbox retries later.
 * - any other status (4xx, and 3xx since redirects are not followed): permanent, with the body's
 *   `message` (or `error`) string as the reason when it is JSON, else the start of its text.
 * - network errors and no answer within `timeoutMs` (10 s): transient.
 *
 * The token is the URL's password (https://:token@sms.example.com/v1/messages) unless the
 * `token` option gives it; without either no Authorization header is sent.
 */
import { DeliveryError, type SmsMessage, type SmsTransport } from '../messages.js';

export interface HttpSmsTransportOptions {
  /** https:// (http:// for tests and gateways on the same host). */
  url: string;
  /** Sender the gateway should show, e.g. "Tertulia" or an E.164 number. */
  from: string;
  token?: string;
  /** Whole exchange, body included. Default 10 s. */
  timeoutMs?: number;
}

/** Enough of an error body to explain it to the organizer without storing a whole HTML page. */
const MAX_REASON_CHARS = 200;

export class HttpSmsTransport implements SmsTransport {
  private readonly endpoint: string;
  private readonly token: string;
  private readonly from: string;
  private readonly timeoutMs: number;

  constructor(options: HttpSmsTransportOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error('SMS_URL is not a URL; expected https://:token@host/path');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error('SMS gateway URL must start with https:// or http://');
    }
    this.token = options.token ?? decodeURIComponent(url.password);
    // fetch refuses URLs that carry credentials, and the token must not end up in error
    // messages, which quote the endpoint.
    url.username = '';
    url.password = '';
    this.endpoint = url.href;
    this.from = options.from;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(message: SmsMessage): Promise<void> {
    if (!/^\+[1-9]\d{1,14}$/.test(message.to)) {
      throw new DeliveryError(`"${message.to}" is not an E.164 number`, 'permanent');
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let body: string;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: message.to, from: this.from, text: message.text }),
        redirect: 'manual',
        signal,
      });
      body = await response.text();
    } catch (error) {
      throw new DeliveryError(
        `SMS gateway ${this.endpoint} ${networkProblem(error, this.timeoutMs)}`,
        'transient',
        { cause: error },
      );
    }
    if (response.ok) return;
    const transient = response.status === 429 || response.status >= 500;
    throw new DeliveryError(
      `SMS gateway answered ${response.status}: ${reason(body, response.statusText)}`,
      transient ? 'transient' : 'permanent',
    );
  }

  /** fetch keeps no connection of ours open, so there is nothing to release. */
  async close(): Promise<void> {}
}

function networkProblem(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `did not answer within ${timeoutMs} ms`;
  }
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED...) in the cause.
  const cause = error instanceof Error ? error.cause : undefined;
  const detail = cause instanceof Error ? cause.message : String(error);
  return `is unreachable: ${detail}`;
}

function reason(body: string, statusText: string): string {
  let text = body.trim();
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) {
      const { message, error } = parsed as { message?: unknown; error?: unknown };
      if (typeof message === 'string') text = message;
      else if (typeof error === 'string') text = error;
    }
  } catch {
    // not JSON: the text itself is the best reason there is
  }
  return (text || statusText || 'no reason given').slice(0, MAX_REASON_CHARS);
}
