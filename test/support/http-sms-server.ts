/**
 * A tiny HTTP SMS gateway for tests: records every request with its headers and JSON body and
 * answers 202 unless told otherwise, one scripted answer per request, or holds a request
 * without answering to test timeouts.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
}

type Answer = { status: number; body: unknown } | 'hang';

export class HttpSmsTestServer {
  readonly requests: RecordedRequest[] = [];
  private readonly answers: Answer[] = [];
  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((request, response) => void this.handle(request, response));
  }

  static async start(): Promise<HttpSmsTestServer> {
    const gateway = new HttpSmsTestServer();
    gateway.server.listen(0, '127.0.0.1');
    await once(gateway.server, 'listening');
    return gateway;
  }

  /** Base URL with `path`, e.g. http://127.0.0.1:port/v1/sms. */
  url(path = '/v1/sms'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** The next request gets this status and JSON body; later ones the next answer, then 202. */
  answerNext(status: number, body: unknown = {}): void {
    this.answers.push({ status, body });
  }

  /** The next request is read and recorded but never answered. */
  hangNext(): void {
    this.answers.push('hang');
  }

  async close(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    // Requests held by hangNext() would otherwise keep close() waiting.
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // kept as text: a test may want to see what was not JSON
    }
    this.requests.push({
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      body,
    });
    const answer = this.answers.shift() ?? {
      status: 202,
      body: { id: `sms-${this.requests.length}` },
    };
    if (answer === 'hang') return;
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  }
}
