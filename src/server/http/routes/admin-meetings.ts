import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  adminMeetingsQuery,
  errorBody,
  meetingListReply,
  notModified,
} from '../../../shared/api.js';
import { memberOf } from '../auth.js';
import { conditionalGet } from '../conditional-get.js';
import { plainJson } from '../plain-json.js';
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
        description:
          'Paged like GET /api/meetings (`limit`, `cursor`, `nextCursor`, `ETag`); upcoming and ' +
          'protected soonest first, past and cancelled newest first.',
        querystring: adminMeetingsQuery,
        response: {
          200: meetingListReply,
          304: notModified,
          400: errorBody,
          401: errorBody,
          403: errorBody,
        },
      },
      serializerCompiler: plainJson,
      onSend: conditionalGet,
    },
    async (request) => {
      const { filter, q, limit, cursor } = request.query;
      return services.meetings.listAll(memberOf(request), filter, { q, limit, cursor });
    },
  );
};
