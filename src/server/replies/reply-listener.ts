/**
 * The SMTP listener for calendar replies (INBOUND_SMTP_PORT): it takes mail for REPLY_ADDRESS
 * only, reads each message as an iMIP REPLY (imip-reply.ts) and records the answer. Everything
 * else is refused with the SMTP reply that says why, so the sender's server bounces it to a
 * person: 550 at RCPT for other addresses, 552 for oversized messages (SIZE is announced), 550
 * for mail that is no reply of a known invitee, 421 past the per-client rate. Meant to sit
 * behind the domain's MX (or be its MX for a subdomain); SPF/DKIM checks are that MTA's job.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AnswersService } from './answers.js';
import { NotAReply, readImipReply } from './imip-reply.js';

export interface ReplyListenerOptions {
  port: number;
  host: string;
  replyAddress: string;
  maxBytes: number;
  messagesPerMinute: number;
  /** Host part of the UIDs this server writes (PUBLIC_URL's). */
  domain: string;
}

interface Log {
  info(msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Connections at once; a calendar sends one reply per connection. */
const MAX_CLIENTS = 50;
const WINDOW_MS = 60_000;

/** An error smtp-server turns into the reply `code message`. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export class ReplyListener {
  private readonly server: SMTPServer;
  /** Messages started per client address in the current minute. */
  private readonly counts = new Map<string, { windowStart: number; count: number }>();

  constructor(
    private readonly options: ReplyListenerOptions,
    private readonly answers: Pick<AnswersService, 'answerByMail'>,
    private readonly log: Log,
    private readonly now: () => number = Date.now,
  ) {
    this.server = new SMTPServer({
      logger: false,
      banner: 'Tertulia calendar replies',
      size: options.maxBytes,
      maxClients: MAX_CLIENTS,
      // Stopping the process does not wait for a slow client longer than this.
      closeTimeout: 2_000,
      disableReverseLookup: true,
      // Nothing to log in to, and no certificate of our own: an MTA in front does TLS.
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      onMailFrom: (_address, session, callback) => callback(this.admit(session)),
      onRcptTo: (address, _session, callback) => {
        if (address.address.toLowerCase() !== options.replyAddress) {
          return callback(
            smtpError(550, '5.1.1 No such mailbox here: this server takes calendar replies only'),
          );
        }
        callback();
      },
      onData: (stream, _session, callback) => void this.receive(stream, callback),
    });
    this.server.on('error', (error) => this.log.warn({ err: error }, 'inbound SMTP error'));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.server.address() as AddressInfo;
    this.log.info(`calendar replies: SMTP for ${this.options.replyAddress} on port ${port}`);
    return port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Counts a new message of this client; refuses it past the rate (421: try later). */
  private admit(session: SMTPServerSession): Error | null {
    const now = this.now();
    const key = session.remoteAddress;
    const entry = this.counts.get(key);
    if (!entry || now - entry.windowStart >= WINDOW_MS) {
      this.counts.set(key, { windowStart: now, count: 1 });
      if (this.counts.size > 10_000) this.forgetOld(now);
      return null;
    }
    entry.count += 1;
    return entry.count > this.options.messagesPerMinute
      ? smtpError(421, '4.7.0 Too many messages; try again in a minute')
      : null;
  }

  private forgetOld(now: number): void {
    for (const [key, entry] of this.counts) {
      if (now - entry.windowStart >= WINDOW_MS) this.counts.delete(key);
    }
  }

  private async receive(
    stream: SMTPServerDataStream,
    callback: (err?: Error | null) => void,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream) {
        size += (chunk as Buffer).length;
        // Past the limit the rest is read and dropped, so the client gets its 552.
        if (size <= this.options.maxBytes) chunks.push(chunk as Buffer);
      }
    } catch {
      return; // The client went away mid-message: nobody is left to answer.
    }
    if (stream.sizeExceeded || size > this.options.maxBytes) {
      return callback(
        smtpError(552, `5.3.4 Message too big (at most ${this.options.maxBytes} bytes)`),
      );
    }
    try {
      callback(await this.answer(Buffer.concat(chunks)));
    } catch (error) {
      this.log.warn({ err: error }, 'calendar reply not recorded');
      callback(smtpError(451, '4.3.0 Could not record the reply now; try again later'));
    }
  }

  /** null (250) when the answer was recorded, else the refusal to send back. */
  private async answer(raw: Buffer): Promise<Error | null> {
    let reply;
    try {
      reply = await readImipReply(raw, this.options.domain);
    } catch (error) {
      if (error instanceof NotAReply) {
        return smtpError(550, `5.6.0 Only calendar replies are accepted here: ${error.message}`);
      }
      throw error;
    }
    // The reply must come from the attendee it speaks for (their calendar sends it as them).
    if (reply.from !== reply.attendeeEmail) {
      return smtpError(550, '5.7.1 The reply must come from the attendee it answers for');
    }
    const outcome = await this.answers.answerByMail(
      reply.meetingId,
      reply.attendeeEmail,
      reply.response,
    );
    switch (outcome) {
      case 'updated':
        return null;
      case 'cancelled':
        return smtpError(550, '5.7.1 This meeting has been cancelled; it takes no replies');
      case 'unknown-meeting':
        return smtpError(550, '5.1.0 No such meeting (unknown UID)');
      case 'unknown-attendee':
        return smtpError(550, '5.7.1 This address is not invited to the meeting');
    }
  }
}
