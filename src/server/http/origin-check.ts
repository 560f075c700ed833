/**
 * Refuses requests a browser made from another site's page. The session cookie is SameSite=Lax,
 * which already keeps it off cross-site POSTs from modern browsers, but not off a WebSocket
 * upgrade, not off older browsers, and not off a sibling subdomain (same site, other origin).
 * Checking Origin closes those (cross-site request forgery and WebSocket hijacking).
 * Requests without an Origin come from non-browser clients, which must hold a token anyway.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/** Methods that change something; GET and HEAD never do, so links and pages keep working. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Throws FOREIGN_ORIGIN when the request carries an Origin other than this app's own. */
export function refuseForeignOrigin(request: FastifyRequest, publicOrigin: string): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  // The Host the browser connected to: the app reached by another name (a LAN address) is
  // still itself. A browser page cannot choose the Host header of its requests.
  const host = request.headers.host;
  if (origin === publicOrigin || origin === `http://${host}` || origin === `https://${host}`) {
    return;
  }
  throw new AppError('FOREIGN_ORIGIN');
}

/** Every state-changing request from another site's page gets 403 FOREIGN_ORIGIN. */
export function installOriginCheck(app: FastifyInstance, publicUrl: string): void {
  const publicOrigin = new URL(publicUrl).origin;
  app.addHook('onRequest', (request, _reply, done) => {
    if (!STATE_CHANGING.has(request.method)) return done();
    try {
      refuseForeignOrigin(request, publicOrigin);
      done();
    } catch (error) {
      done(error as AppError);
    }
  });
}
