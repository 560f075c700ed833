/**
 * A real SMTP server for tests, on `smtp-server`: listens on an ephemeral port of 127.0.0.1,
 * keeps every accepted message raw and parsed (mailparser), and misbehaves on request, the way
 * real relays do: refuses messages with a chosen reply, drops the connection in the middle of
 * DATA, answers slowly, or goes away and comes back on the same port.
 */
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  /** MAIL FROM and RCPT TO, as the client gave them. */
  envelope: { from: string; to: string[] };
  /** The message exactly as received in DATA. */
  raw: Buffer;
  parsed: ParsedMail;
}

export interface TestSmtpServerOptions {
  /** When set, clients must log in with these (PLAIN or LOGIN, over plain TCP). */
  auth?: { user: string; pass: string };
}

/** Where a scripted refusal is given: at RCPT TO (per recipient) or after the DATA. */
export type FaultStage = 'rcpt' | 'data';

interface Refusal {
  remaining: number;
  code: number;
  message: string;
  stage: FaultStage;
}

export class TestSmtpServer extends EventEmitter<{
  message: [ReceivedMail];
  refused: [{ code: number; stage: FaultStage }];
  dropped: [];
}> {
  /** Errors met along the way (client sockets reset, unreadable messages): kept, never thrown. */
  readonly errors: Error[] = [];
  /** Accepted messages, in order. A message is here before the client hears 250. */
  readonly messages: ReceivedMail[] = [];
  /** TCP connections accepted since the first start, to see a pool reuse its connections. */
  connectionCount = 0;
  private server: SMTPServer | undefined;
  private listeningPort = 0;
  private refusals: Refusal[] = [];
  private dropsLeft = 0;
  private replyDelayMs = 0;
  private readonly delayed = new Set<NodeJS.Timeout>();

  private constructor(private readonly options: TestSmtpServerOptions) {
    super();
  }

  static async start(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
    const server = new TestSmtpServer(options);
    await server.start();
    return server;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** A URL for the transport, with the configured credentials unless others are given. */
  url(credentials = this.options.auth): string {
    const login = credentials
      ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@`
      : '';
    return `smtp://${login}127.0.0.1:${this.listeningPort}`;
  }

  /** Answers the next `count` messages with `code message` instead of accepting them. */
  refuseNext(count: number, code: number, message: string, stage: FaultStage = 'data'): void {
    this.refusals.push({ remaining: count, code, message, stage });
  }

  /** Closes the connection after the first bytes of the next `count` messages' DATA. */
  dropNext(count: number): void {
    this.dropsLeft += count;
  }

  /** Waits this long before answering each message's DATA; 0 answers at once. */
  setReplyDelay(ms: number): void {
    this.replyDelayMs = ms;
  }

  /** Resolves once `count` messages in all have been accepted. */
  async waitForMessages(count: number): Promise<ReceivedMail[]> {
    while (this.messages.length < count) await once(this, 'message');
    return this.messages.slice(0, count);
  }

  /** Listens again, on the same port after a stop (an ephemeral one the first time). */
  async start(): Promise<void> {
    if (this.server) throw new Error('The test SMTP server is already running');
    const { auth } = this.options;
    const server = new SMTPServer({
      logger: false,
      // No reverse DNS of 127.0.0.1 on every connection: it only slows the tests down.
      disableReverseLookup: true,
      // STARTTLS is off: with the built-in self-signed certificate a client would fail to
      // upgrade, and these tests are about SMTP replies, not TLS.
      disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !auth,
      allowInsecureAuth: true,
      onConnect: (_session, callback) => {
        this.connectionCount += 1;
        callback();
      },
      onAuth: (login, _session, callback) => {
        if (auth && login.username === auth.user && login.password === auth.pass) {
          callback(null, { user: login.username });
        } else {
          callback(smtpError(535, 'Authentication credentials invalid'));
        }
      },
      onRcptTo: (_address, _session, callback) => callback(this.takeRefusal('rcpt')),
      onData: (stream, session, callback) => void this.receive(stream, session, callback),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listeningPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.errors.push(err));
    this.listeningPort = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /**
   * Stops listening and ends every open connection with 421, as a relay shutting down does;
   * resolves once the port is free and no connection is left.
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of server.connections) {
      connection.send(421, 'Server shutting down');
      connection.close();
    }
    await closed;
  }

  private takeRefusal(stage: FaultStage): Error | null {
    const refusal = this.refusals.find((r) => r.stage === stage && r.remaining > 0);
    if (!refusal) return null;
    refusal.remaining -= 1;
    this.refusals = this.refusals.filter((r) => r.remaining > 0);
    this.emit('refused', { code: refusal.code, stage });
    return smtpError(refusal.code, refusal.message);
  }

  private async receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): Promise<void> {
    if (this.dropsLeft > 0) {
      this.dropsLeft -= 1;
      // Wait for the first bytes so the drop really happens inside DATA, then hang up
      // without ever answering it.
      stream.once('data', () => {
        for (const connection of this.server?.connections ?? []) {
          if (connection.id === session.id) connection.close();
        }
        this.emit('dropped');
      });
      return;
    }
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (err) {
      // The client went away in the middle of DATA (a killed node): nobody is left to answer.
      this.errors.push(err as Error);
      return;
    }
    const answer = () => void this.answer(Buffer.concat(chunks), session, callback);
    if (this.replyDelayMs === 0) return answer();
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      answer();
    }, this.replyDelayMs);
    this.delayed.add(timer);
  }

  /** Refuses the message if scripted to, else records it and then says 250. */
  private async answer(
    raw: Buffer,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): Promise<void> {
    const refusal = this.takeRefusal('data');
    if (refusal) return callback(refusal);
    try {
      const { mailFrom, rcptTo } = session.envelope;
      const mail: ReceivedMail = {
        envelope: { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((r) => r.address) },
        raw,
        parsed: await simpleParser(raw),
      };
      this.messages.push(mail);
      this.emit('message', mail);
      callback();
    } catch (err) {
      // A message mailparser cannot read is a finding, not a crash of the test process.
      this.errors.push(err as Error);
      callback(smtpError(554, `Test server could not parse the message: ${String(err)}`));
    }
  }
}

/** An error smtp-server turns into the reply `code message`. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}
