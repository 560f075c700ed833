import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditListReply, auditQuery, errorBody } from '../../../shared/api.js';
import type { RouteContext } from '../context.js';

/** The audit log, for admins. */
export const auditRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards },
) => {
  app.get(
    '/api/admin/audit',
    {
      onRequest: guards.requireAdmin,
      schema: {
        tags: ['audit'],
        summary:
          'Audit log entries, newest first, filtered by action, actor (part of the email) and ' +
          'since (ISO instant), a page at a time (admins only)',
        querystring: auditQuery,
        response: { 200: auditListReply, 400: errorBody, 401: errorBody, 403: errorBody },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return services.audit.list(filter, { page, pageSize });
    },
  );
};
