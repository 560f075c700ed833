/**
 * `GET /api/rooms/:token/ws`: the room's signaling WebSocket (frames in src/shared/signaling.ts,
 * conversation in docs/protocol.md). The upgrade request is authenticated like
 * `GET /api/join/:token/me`: the guest session (cookie, or `Authorization: Bearer` for
 * non-browser clients) or the member login. A refused upgrade is a plain HTTP error.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { errorBody, joinParams } from '../../../shared/api.js';
import { AppError } from '../../errors.js';
import type { RoomEntry } from '../../lobby/lobby.js';
import { GUEST_COOKIE } from '../auth.js';
import type { RouteContext } from '../context.js';

export const roomRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards, config },
) => {
  const entries = new WeakMap<FastifyRequest, RoomEntry>();

  app.get(
    '/api/rooms/:token/ws',
    {
      websocket: true,
      onRequest: guards.optionalMember,
      preHandler: async (request) => {
        refuseForeignOrigin(request, config.publicUrl);
        const { token } = request.params as { token: string };
        const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
        const guestToken = bearer ?? request.cookies[GUEST_COOKIE];
        entries.set(request, await services.lobby.roomEntry(token, guestToken, request.member));
      },
      schema: {
        tags: ['room'],
        summary: 'The room signaling WebSocket (see docs/protocol.md)',
        params: joinParams,
        response: { 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    (socket, request) => {
      const entry = entries.get(request);
      if (!entry) return socket.close(1011, 'no entry');
      services.rooms.accept(socket, entry);
    },
  );
};

/**
 * Browsers send cookies with a WebSocket upgrade from any page; checking Origin stops another
 * site's page from opening a room connection as its visitor (cross-site WebSocket hijacking).
 * Requests without an Origin come from non-browser clients, which must hold the token anyway.
 */
function refuseForeignOrigin(request: FastifyRequest, publicUrl: string): void {
  const origin = request.headers.origin;
  if (!origin) return;
  const host = request.headers.host;
  const allowed = new Set([new URL(publicUrl).origin, `http://${host}`, `https://${host}`]);
  if (!allowed.has(origin)) throw new AppError('FORBIDDEN');
}
