/**
 * A draining node (SIGTERM, see main.ts) takes no new work that can go elsewhere: GET and HEAD
 * requests, WebSocket upgrades included, get 503 NODE_DRAINING, which a balancer passes on to
 * another node (deploy/nginx.conf: `proxy_next_upstream ... http_503`). A POST, PATCH or DELETE
 * is still served: balancers never send those to a second node (it might do the work twice),
 * so refusing one would show the person an error, and this node can still do it. Requests
 * already running finish either way; once the port closes, the balancer skips the node.
 */
import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../readiness.js';
import { sendError } from './error-handler.js';

/** Answered while draining: a balancer and Prometheus must still see what goes on. */
const ALWAYS_ANSWERED = new Set(['/healthz', '/readyz', '/metrics']);
/** Methods a balancer retries on another node after a 503. */
const RETRIED_ELSEWHERE = new Set(['GET', 'HEAD']);

export function installDraining(app: FastifyInstance, readiness: Readiness): void {
  // A synchronous hook with `done`: no promise per request on the way in.
  app.addHook('onRequest', (request, reply, done) => {
    if (!readiness.draining || !RETRIED_ELSEWHERE.has(request.method)) return done();
    if (ALWAYS_ANSWERED.has(request.routeOptions.url ?? '')) return done();
    // The connection goes too: a keep-alive one would bring the client back to this node.
    reply.header('connection', 'close');
    void sendError(reply, 'NODE_DRAINING');
  });
}
