import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { adminMeetingsQuery, errorBody, meetingListReply } from '../../../shared/api.js';
import { memberOf } from '../auth.js';
import type { RouteContext } from '../context.js';

/** Admins: every meeting of the organization, filtered. */
export const adminMeetingRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards },
) => {
  app.get(
    '/api/admin/meetings',
    {
      onRequest: guards.requireAdmin,
      schema: {
        tags: ['meetings'],
        summary: 'Every meeting: upcoming, past, cancelled or password-protected (admins only)',
        querystring: adminMeetingsQuery,
        response: { 200: meetingListReply, 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request) => ({
      meetings: await services.meetings.listAll(
        memberOf(request),
        request.query.filter,
        request.query.q,
      ),
    }),
  );
};
