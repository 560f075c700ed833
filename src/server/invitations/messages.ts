/**
 * Rendered messages as they are stored in the outbox and handed to a transport. Rendering
 * happens when the meeting change commits, so a delivery always says what was true then.
 */

export interface EmailMessage {
  channel: 'email';
  to: string;
  /** Stable per invitation version and recipient, so a retry is recognised as the same mail. */
  messageId: string;
  subject: string;
  text: string;
  html: string;
  /**
   * The iCalendar object (RFC 5545) with its METHOD (REQUEST or CANCEL); null on reminders and
   * on notices to an organizer (someone answered), which change no calendar.
   */
  ics: string | null;
  icsMethod: 'REQUEST' | 'CANCEL' | null;
}

export interface SmsMessage {
  channel: 'sms';
  /** E.164 destination, e.g. +34612345678. */
  to: string;
  text: string;
}

export type OutboundMessage = EmailMessage | SmsMessage;

/** What a transport reports when a send fails: retry later, or give up with a reason. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly kind: 'transient' | 'permanent',
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

export interface EmailTransport {
  send(message: EmailMessage): Promise<void>;
  close(): Promise<void>;
}

export interface SmsTransport {
  send(message: SmsMessage): Promise<void>;
  close(): Promise<void>;
}
