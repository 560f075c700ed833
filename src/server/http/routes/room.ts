/**
 * `GET /api/rooms/:token/ws`: the room's signaling WebSocket (frames in src/shared/signaling.ts,
 * conversation in docs/protocol.md). The upgrade request is authenticated like
 * `GET /api/join/:token/me`: the guest session (cookie, or `Authorization: Bearer` for
 * non-browser clients) or the member login. A refused upgrade is a plain HTTP error.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errorBody, joinParams, roomLeaveBody } from '../../../shared/api.js';
import { AppError } from '../../errors.js';
import type { RoomEntry } from '../../lobby/lobby.js';
import { GUEST_COOKIE, SESSION_COOKIE } from '../auth.js';
import { refuseForeignOrigin } from '../origin-check.js';
import type { RouteContext } from '../context.js';
import { ReconnectLimit } from '../reconnect-limit.js';

export const roomRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards, config },
) => {
  const entries = new WeakMap<FastifyRequest, RoomEntry>();
  const reconnects = new ReconnectLimit();

  app.get(
    '/api/rooms/:token/ws',
    {
      websocket: true,
      onRequest: guards.optionalMember,
      preHandler: async (request) => {
        // The plugin answers a plain GET here with an empty 404; this says why, as JSON.
        if (!request.ws) {
          throw new AppError('NOT_FOUND', {
            message: 'This address takes WebSocket connections only.',
          });
        }
        // A GET, so the app-wide check (origin-check.ts) lets it through: checked here.
        refuseForeignOrigin(request, new URL(config.publicUrl).origin);
        const { token } = request.params as { token: string };
        const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
        const guestToken = bearer ?? request.cookies[GUEST_COOKIE];
        // Before the lobby lookup: a flood of openings must not cost a query each.
        const credential = guestToken ?? request.cookies[SESSION_COOKIE] ?? `ip:${request.ip}`;
        const retryAfterMs = reconnects.take(credential);
        if (retryAfterMs > 0) {
          throw new AppError('RATE_LIMITED', {
            message: 'Opening the room too often; please wait a moment.',
            details: { retryAfterMs },
          });
        }
        const entry = await services.lobby.roomEntry(token, guestToken, request.member);
        entries.set(request, { ...entry, source: request.ip });
      },
      schema: {
        tags: ['room'],
        summary: 'The room signaling WebSocket (see docs/protocol.md)',
        params: joinParams,
        response: {
          401: errorBody,
          403: errorBody,
          404: errorBody,
          409: errorBody,
          429: errorBody,
        },
      },
    },
    (socket, request) => {
      const entry = entries.get(request);
      if (!entry) return socket.close(1011, 'no entry');
      services.rooms.accept(socket, entry);
    },
  );

  app.post(
    '/api/rooms/:token/leave',
    {
      schema: {
        tags: ['room'],
        summary: "A closing page's last word when its socket is down (navigator.sendBeacon)",
        description:
          'Authenticated by the place and its resume secret from the welcome, not by a cookie: ' +
          'the others see the participant leave within PAGE_CLOSE_GRACE_MS unless a reload ' +
          'of the page resumes the place first.',
        params: joinParams,
        body: roomLeaveBody,
        response: { 204: z.null(), 403: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const meetingId = await services.lobby.meetingIdOf(request.params.token);
      const { peerId, resumeToken } = request.body;
      if (!(await services.rooms.leaveByBeacon(meetingId, peerId, resumeToken))) {
        throw new AppError('ROOM_PLACE_NOT_FOUND');
      }
      return reply.code(204).send(null);
    },
  );
};
