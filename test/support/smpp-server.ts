/**
 * A real SMSC for tests, on node-smpp's server: accepts binds (transmitter, receiver or
 * transceiver) with its credentials, answers enquire_link and unbind, and records every
 * submit_sm with the short_message bytes exactly as sent and the text node-smpp decodes from
 * them (a decoder independent of ours). It can be told how to answer the next submits, and be
 * stopped and started again on the same port to test reconnection.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import smpp, { type Pdu, type Server, type Session } from 'smpp';

export const ESME_ROK = 0x00;
export const ESME_RINVBNDSTS = 0x04;
export const ESME_RSYSERR = 0x08;
export const ESME_RINVDSTADR = 0x0b;
export const ESME_RINVPASWD = 0x0e;
export const ESME_RMSGQFUL = 0x14;
export const ESME_RTHROTTLED = 0x58;

export interface SubmittedSm {
  /** system_id of the session it came on. */
  systemId: string;
  destination: string;
  destinationTon: number;
  destinationNpi: number;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  /** short_message as it came over the wire, UDH included. */
  shortMessage: Buffer;
  /** The UDH, its length byte included, when esm_class has UDHI (0x40); else null. */
  udh: Buffer | null;
  /** The text after the UDH as node-smpp decodes it for data_coding. */
  text: string;
  /** The command_status this server answered with. */
  status: number;
}

export interface BindAttempt {
  command: string;
  systemId: string;
  accepted: boolean;
}

export interface SmppTestServerOptions {
  systemId?: string;
  password?: string;
}

export class SmppTestServer {
  readonly submits: SubmittedSm[] = [];
  readonly binds: BindAttempt[] = [];
  unbinds = 0;
  enquireLinks = 0;
  readonly systemId: string;
  readonly password: string;
  private readonly server: Server;
  private readonly events = new EventEmitter();
  /** Statuses for the next submits, in order; ESME_ROK once it is empty. */
  private readonly script: number[] = [];
  private port = 0;
  private nextMessageId = 1;

  private constructor(options: SmppTestServerOptions) {
    this.systemId = options.systemId ?? 'tertulia';
    this.password = options.password ?? 's3cret';
    this.server = smpp.createServer({}, (session) => this.onSession(session));
  }

  /** Listens on an ephemeral loopback port. */
  static async start(options: SmppTestServerOptions = {}): Promise<SmppTestServer> {
    const smsc = new SmppTestServer(options);
    await smsc.start();
    return smsc;
  }

  /** Listens again, on the port of the first start. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Drops every session, as a crashed SMSC would, and stops listening. */
  async stop(): Promise<void> {
    for (const session of [...this.server.sessions]) session.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** smpp://systemId:password@127.0.0.1:port, with ?source= when given. */
  url(source?: string): string {
    const query = source === undefined ? '' : `?source=${encodeURIComponent(source)}`;
    return `smpp://${this.systemId}:${this.password}@127.0.0.1:${this.port}${query}`;
  }

  /** Answers the next `count` submits with `status` (e.g. ESME_RTHROTTLED), then ESME_ROK. */
  failNextSubmits(count: number, status: number): void {
    this.answerNextSubmits(Array<number>(count).fill(status));
  }

  /** Answers the next submits with these statuses, in order (ESME_ROK to accept one). */
  answerNextSubmits(statuses: number[]): void {
    this.script.push(...statuses);
  }

  /** Resolves once `count` submits have arrived in all; rejects after `timeoutMs`. */
  waitForSubmits(count: number, timeoutMs = 5_000): Promise<SubmittedSm[]> {
    return this.waitFor(() => this.submits.length >= count, timeoutMs).then(() => this.submits);
  }

  /** Resolves when `check` holds, tested after every PDU and connection change. */
  waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onChange = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.events.off('change', onChange);
        resolve();
      };
      const timer = setTimeout(() => {
        this.events.off('change', onChange);
        reject(new Error(`SMPP test server: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on('change', onChange);
    });
  }

  get sessionCount(): number {
    return this.server.sessions.length;
  }

  private onSession(session: Session): void {
    let boundAs: string | undefined;
    const lastBody = tapPduBodies(session);
    session.on('error', () => session.destroy());
    session.socket.on('close', () => this.events.emit('change'));
    session.on('pdu', (pdu: Pdu) => {
      if (pdu.command.startsWith('bind_')) {
        const systemId = String(pdu.system_id);
        const accepted = systemId === this.systemId && pdu.password === this.password;
        this.binds.push({ command: pdu.command, systemId, accepted });
        if (accepted) boundAs = systemId;
        session.send(
          accepted
            ? pdu.response({ system_id: 'TertuliaTestSMSC' })
            : pdu.response({ command_status: ESME_RINVPASWD }),
        );
      } else if (pdu.command === 'enquire_link') {
        this.enquireLinks += 1;
        session.send(pdu.response());
      } else if (pdu.command === 'unbind') {
        this.unbinds += 1;
        session.send(pdu.response(), () => session.close());
      } else if (pdu.command === 'submit_sm') {
        const status = boundAs === undefined ? ESME_RINVBNDSTS : (this.script.shift() ?? ESME_ROK);
        this.submits.push(record(pdu, boundAs ?? '', lastBody(), status));
        session.send(
          status === ESME_ROK
            ? pdu.response({ message_id: String(this.nextMessageId++) })
            : pdu.response({ command_status: status }),
        );
      } else if (!pdu.isResponse()) {
        session.send(pdu.response({ command_status: ESME_RINVBNDSTS }));
      }
      this.events.emit('change');
    });
    this.events.emit('change');
  }
}

/**
 * node-smpp decodes short_message into text while parsing and keeps no bytes. Every PDU is read
 * from the socket in two calls (the length, then the rest) right before its 'pdu' event, so
 * remembering the last read gives the body of the PDU being handled.
 */
function tapPduBodies(session: Session): () => Buffer {
  const socket = session.socket;
  const read = socket.read.bind(socket);
  let last: Buffer = Buffer.alloc(0);
  socket.read = (size?: number) => {
    const chunk: unknown = read(size);
    if (Buffer.isBuffer(chunk)) last = chunk;
    return chunk;
  };
  return () => last;
}

/** short_message as sent: walks submit_sm's fields with node-smpp's own layouts, no decoding. */
function rawShortMessage(body: Buffer): Buffer {
  let offset = 12; // command_id, command_status, sequence_number
  for (const [name, { type }] of Object.entries(smpp.commands.submit_sm?.params ?? {})) {
    const value = type.read(body, offset);
    if (name === 'short_message') return value as Buffer;
    offset += type.size(value);
  }
  throw new Error('submit_sm has no short_message field');
}

function record(pdu: Pdu, systemId: string, body: Buffer, status: number): SubmittedSm {
  const shortMessage = Buffer.from(rawShortMessage(body));
  const esmClass = Number(pdu.esm_class);
  const decoded = pdu.short_message as { message?: unknown };
  return {
    systemId,
    destination: String(pdu.destination_addr),
    destinationTon: Number(pdu.dest_addr_ton),
    destinationNpi: Number(pdu.dest_addr_npi),
    source: String(pdu.source_addr),
    sourceTon: Number(pdu.source_addr_ton),
    sourceNpi: Number(pdu.source_addr_npi),
    dataCoding: Number(pdu.data_coding),
    esmClass,
    registeredDelivery: Number(pdu.registered_delivery),
    shortMessage,
    udh: esmClass & 0x40 ? shortMessage.subarray(0, (shortMessage[0] ?? 0) + 1) : null,
    text: typeof decoded.message === 'string' ? decoded.message : '',
    status,
  };
}
