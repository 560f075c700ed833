/**
 * METRICS_PORT: `/metrics` on a port of its own bound to 127.0.0.1, for a Prometheus (or an
 * agent) on the same machine. No token: only this machine reaches it. A bare node:http server,
 * so a scrape never goes through the app's hooks (it is neither counted nor refused while
 * draining).
 */
import http from 'node:http';
import type { NodeMetrics } from '../metrics/node-metrics.js';

export interface MetricsListener {
  readonly port: number;
  close(): Promise<void>;
}

export async function listenForMetrics(
  metrics: NodeMetrics,
  port: number,
  onError: (error: unknown) => void,
): Promise<MetricsListener> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    metrics.render().then(
      ({ contentType, text }) => response.writeHead(200, { 'content-type': contentType }).end(text),
      (error: unknown) => {
        onError(error);
        response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
