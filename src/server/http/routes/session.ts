import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  changePasswordBody,
  errorBody,
  loginBody,
  memberSchema,
  meSchema,
  updateMeBody,
  type Me,
} from '../../../shared/api.js';
import { toMember, type UserRow } from '../../accounts/members.js';
import type { Services } from '../../compose.js';
import { AppError } from '../../errors.js';
import { hashToken } from '../../tokens.js';
import { auditActor } from '../audit-actor.js';
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
      let session: { token: string; user: UserRow };
      try {
        session = await services.sessions.login(request.body.email, request.body.password);
      } catch (error) {
        if (error instanceof AppError && error.code === 'BAD_CREDENTIALS') {
          // Nobody is known: the actor is the email typed, to find a member's failed logins.
          await services.audit.record(
            { id: null, label: request.body.email, source: request.ip },
            { action: 'session.login_failed' },
          );
        }
        throw error;
      }
      const { token, user } = session;
      await services.audit.record(auditActor(request, user), {
        action: 'session.login',
        target: { kind: 'member', id: user.id, label: user.email },
      });
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
        summary: 'The logged-in member, with their own settings and calendar feed URL',
        response: { 200: meSchema, 401: errorBody },
      },
    },
    async (request) => me(memberOf(request).id),
  );

  app.post(
    '/api/me/calendar-feed',
    {
      onRequest: guards.requireMember,
      schema: {
        tags: ['session'],
        summary: 'A new calendar feed URL; the old one stops working at once',
        response: { 200: meSchema, 401: errorBody },
      },
    },
    async (request) => {
      const { id } = memberOf(request);
      await services.calendar.rotate(id);
      return me(id);
    },
  );

  app.post(
    '/api/me/password',
    {
      onRequest: guards.requireMember,
      schema: {
        tags: ['session'],
        summary:
          'Change own password (the current one is required); other sessions of the member end',
        body: changePasswordBody,
        response: { 204: z.null(), 400: errorBody, 401: errorBody },
      },
      config: { rateLimit: { max: config.loginRateLimitPerMinute, timeWindow: 60_000 } },
    },
    async (request, reply) => {
      const member = memberOf(request);
      const token = request.cookies[SESSION_COOKIE] ?? '';
      await services.members.changeOwnPassword(member.id, request.body, hashToken(token));
      await services.audit.record(auditActor(request), {
        action: 'member.password_change',
        target: { kind: 'member', id: member.id, label: member.email },
      });
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/api/me',
    {
      onRequest: guards.requireMember,
      schema: {
        tags: ['session'],
        summary: 'Change own display name, avatar, language or email on answers',
        body: updateMeBody,
        response: { 200: meSchema, 400: errorBody, 401: errorBody },
      },
    },
    async (request) => {
      const { id } = memberOf(request);
      await services.members.updateProfile(id, request.body);
      return me(id);
    },
  );

  /** The member as they see themselves: read afresh, as a change may just have been made. */
  const me = async (id: string): Promise<Me> => toMe(services, await services.members.get(id));
};

/** A member as `GET /api/me` shows them to themselves: with their settings and feed URL. */
export async function toMe(services: Pick<Services, 'calendar'>, user: UserRow): Promise<Me> {
  return {
    ...toMember(user),
    notifyOnAnswers: user.notify_on_answers === 1,
    calendarFeedUrl: await services.calendar.feedUrl(user),
  };
}
