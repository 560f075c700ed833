/**
 * A draining node (SIGTERM, see main.ts) takes no new work: every request but the health and
 * metrics ones gets 503 NODE_DRAINING, WebSocket upgrades included, so a balancer tries another
 * node (deploy/nginx.conf: `proxy_next_upstream ... http_503`). Requests already running finish.
 */
import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../readiness.js';
import { sendError } from './error-handler.js';

/** Answered while draining: a balancer and Prometheus must still see what goes on. */
const ALWAYS_ANSWERED = new Set(['/healthz', '/readyz', '/metrics']);

export function installDraining(app: FastifyInstance, readiness: Readiness): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!readiness.draining || ALWAYS_ANSWERED.has(request.routeOptions.url ?? '')) return;
    // The connection goes too: a keep-alive one would bring the client back to this node.
    reply.header('connection', 'close');
    return sendError(reply, 'NODE_DRAINING');
  });
}
