/**
 * What of a request reaches the logs. Join links are bearer secrets (whoever has one reaches the
 * lobby, and with no password the room), and they travel in URL paths: `/m/:token`,
 * `/api/join/:token`, `/api/rooms/:token/...`; so do personal answer links (`/r/:token`,
 * `/api/rsvp/:token`) and calendar feeds (`/calendar/:token.ics`). Request lines (LOG_LEVEL=debug) show those paths
 * with the token replaced; cookies and Authorization are never serialized at all.
 */
import type { FastifyRequest } from 'fastify';

const TOKEN_IN_PATH = /^(\/(?:m|r|calendar|api\/join|api\/rooms|api\/rsvp)\/)[^/?#]+/;

export function redactUrl(url: string): string {
  return url.replace(TOKEN_IN_PATH, '$1[token]');
}

/** Fastify's request serializer, with the URL redacted. */
export function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
