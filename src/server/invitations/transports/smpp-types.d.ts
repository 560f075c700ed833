/**
 * The part of node-smpp (`smpp`, CommonJS, ships no types) that Tertulia uses: the client
 * session in transports/smpp.ts and the test SMSC in test/support/smpp-server.ts. Import it as
 * the default export; its many runtime-built named exports are not visible to ESM.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A decoded PDU: header fields plus the command's parameters by their SMPP names. */
  export interface Pdu {
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    isResponse(): boolean;
    /** The matching *_resp (or generic_nack) carrying this PDU's sequence number. */
    response(fields?: Record<string, unknown>): Pdu;
  }

  type ResponseCallback = (pdu: Pdu) => void;
  /** Each returns false, sending nothing, when the socket is not writable. */
  type Request = {
    (fields: Record<string, unknown>, onResponse?: ResponseCallback): boolean;
    (onResponse?: ResponseCallback): boolean;
  };

  export interface Session extends EventEmitter {
    readonly socket: Socket;
    send(pdu: Pdu, onResponse?: ResponseCallback): boolean;
    bind_transmitter: Request;
    submit_sm: Request;
    enquire_link: Request;
    unbind: Request;
    /** Ends the socket gracefully. */
    close(onClose?: () => void): void;
    destroy(onClose?: () => void): void;
  }

  export interface Server extends NetServer {
    /** Sessions whose socket is open. */
    readonly sessions: Session[];
  }

  /** How one parameter is laid out on the wire (node-smpp's `types`). */
  export interface FieldType {
    read(buffer: Buffer, offset: number): unknown;
    size(value: unknown): number;
  }

  const smpp: {
    connect(options: { host: string; port: number }): Session;
    createServer(options: Record<string, unknown>, onSession: (session: Session) => void): Server;
    /** SMPP command_status values by name, e.g. ESME_RTHROTTLED: 0x58. */
    errors: Readonly<Record<string, number>>;
    /** Parameter layouts in wire order, e.g. commands.submit_sm.params. */
    commands: Readonly<
      Record<string, { id: number; params?: Readonly<Record<string, { type: FieldType }>> }>
    >;
  };
  export default smpp;
}
