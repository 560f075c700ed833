import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBody, joinInfoSchema, joinParams } from '../../../shared/api.js';
import type { RouteContext } from '../context.js';

/** Public: what anyone holding a join link may learn before the lobby. */
export const joinRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, { services }) => {
  app.get(
    '/api/join/:token',
    {
      schema: {
        tags: ['join'],
        summary: 'Public facts about a meeting, for its lobby',
        params: joinParams,
        response: { 200: joinInfoSchema, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => services.meetings.joinInfo(request.params.token),
  );
};
