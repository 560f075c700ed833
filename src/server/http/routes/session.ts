import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, loginBody, memberSchema, updateMeBody } from '../../../shared/api.js';
import { toMember } from '../../accounts/members.js';
import { memberOf, SESSION_COOKIE, sessionCookieOptions } from '../auth.js';
import type { RouteContext } from '../context.js';

export const sessionRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards, config },
) => {
  app.post(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Log in with email and password; sets the session cookie',
        body: loginBody,
        response: { 200: memberSchema, 401: errorBody },
      },
      config: { rateLimit: { max: config.loginRateLimitPerMinute, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const { token, user } = await services.sessions.login(
        request.body.email,
        request.body.password,
      );
      reply.setCookie(
        SESSION_COOKIE,
        token,
        sessionCookieOptions(config.secureCookies, config.sessionTtlMs),
      );
      return toMember(user);
    },
  );

  app.delete(
    '/api/session',
    { schema: { tags: ['session'], summary: 'Log out', response: { 204: z.null() } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await services.sessions.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      onRequest: guards.requireMember,
      schema: {
        tags: ['session'],
        summary: 'The logged-in member',
        response: { 200: memberSchema, 401: errorBody },
      },
    },
    async (request) => toMember(memberOf(request)),
  );

  app.patch(
    '/api/me',
    {
      onRequest: guards.requireMember,
      schema: {
        tags: ['session'],
        summary: 'Change own display name, avatar or language',
        body: updateMeBody,
        response: { 200: memberSchema, 400: errorBody, 401: errorBody },
      },
    },
    async (request) => services.members.updateProfile(memberOf(request).id, request.body),
  );
};
