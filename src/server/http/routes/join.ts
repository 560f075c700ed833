import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  errorBody,
  joinBody,
  joinInfoSchema,
  joinParams,
  joinReply,
  participantSessionSchema,
} from '../../../shared/api.js';
import type { Services } from '../../compose.js';
import { toMe } from './session.js';
import { AppError } from '../../errors.js';
import { sourceOf } from '../../lobby/password-attempts.js';
import { GUEST_COOKIE, type Guards } from '../auth.js';
import type { RouteContext } from '../context.js';
import type { LobbyBootLoader } from '../web.js';

/** Public: the lobby's facts, passing the lobby, and who one is in the room. */
export const joinRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards, config },
) => {
  const { lobby } = services;

  app.get(
    '/api/join/:token',
    {
      onRequest: guards.optionalMember,
      schema: {
        tags: ['join'],
        summary: 'Public facts about a meeting, for its lobby',
        params: joinParams,
        response: { 200: joinInfoSchema, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => lobby.info(request.params.token, request.member),
  );

  app.post(
    '/api/join/:token',
    {
      onRequest: guards.optionalMember,
      schema: {
        tags: ['join'],
        summary: 'Pass the lobby: a guest session for this meeting (a member uses their login)',
        params: joinParams,
        body: joinBody,
        response: {
          201: joinReply,
          400: errorBody,
          401: errorBody,
          404: errorBody,
          409: errorBody,
          429: errorBody,
          503: errorBody,
        },
      },
      // Per source address, in Redis with REDIS_URL (app.ts). Not applied while Redis is down
      // (skipOnError): no pass is let through then anyway, the handler answers
      // ROOM_UNAVAILABLE, which tells the page the room, not the lobby, is the trouble.
      config: {
        rateLimit: {
          max: config.joinRateLimitPerMinute,
          timeWindow: 60_000,
          skipOnError: true,
        },
      },
    },
    async (request, reply) => {
      // A guest who passed the lobby could not enter the room now: say so before the session.
      if (!services.rooms.available) throw new AppError('ROOM_UNAVAILABLE');
      const joined = await lobby.join(
        request.params.token,
        request.body,
        request.member,
        sourceOf(request.ip),
      );
      if (joined.guestToken) {
        reply.setCookie(GUEST_COOKIE, joined.guestToken, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: config.secureCookies,
          expires: joined.expiresAt,
        });
      }
      return reply.status(201).send({ ...joined.session, token: joined.guestToken });
    },
  );

  app.get(
    '/api/join/:token/me',
    {
      onRequest: guards.optionalMember,
      schema: {
        tags: ['join'],
        summary: "Who this request is in the meeting's room: its guest, or a logged-in member",
        params: joinParams,
        response: { 200: participantSessionSchema, 401: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const guestToken = bearer ?? request.cookies[GUEST_COOKIE];
      return lobby.me(request.params.token, guestToken, request.member);
    },
  );
};

/**
 * The join link's page carries what `GET /api/join/:token` and `GET /api/me` would answer
 * (web.ts), in the same shapes: the lobby then asks nothing before Join works. A token the
 * lobby could not show (unknown, malformed) gets no data: the lobby asks and shows the error
 * as before.
 */
export function lobbyBootLoader(services: Services, guards: Guards): LobbyBootLoader {
  const { lobby } = services;
  return async (request, token) => {
    if (!joinParams.safeParse({ token }).success) return null;
    const member = await guards.currentMember(request);
    try {
      const info = joinInfoSchema.parse(await lobby.info(token, member));
      return { token, info, member: member ? await toMe(services, member) : null };
    } catch (error) {
      if (error instanceof AppError) return null;
      throw error;
    }
  };
}
