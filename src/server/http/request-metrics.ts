/**
 * Feeds the HTTP side of /metrics: every answered request's duration, by route pattern and
 * status, and the WebSockets open on this node.
 */
import type { FastifyInstance } from 'fastify';
import type { NodeMetrics } from '../metrics/node-metrics.js';

/** Requests no route matched (404s, scanners): one series, not one per URL. */
const UNMATCHED = 'unmatched';

export function installRequestMetrics(app: FastifyInstance, metrics: NodeMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? UNMATCHED,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  metrics.watch({ sockets: () => app.websocketServer.clients.size });
}
