import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { deliveryListReply, deliveryParams, errorBody, idParams } from '../../../shared/api.js';
import { memberOf } from '../auth.js';
import type { RouteContext } from '../context.js';

/** Invitation delivery state per participant, for the meeting's organizer. */
export const deliveryRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards },
) => {
  app.addHook('onRequest', guards.requireMember);
  const errors = { 401: errorBody, 403: errorBody, 404: errorBody };

  app.get(
    '/api/meetings/:id/deliveries',
    {
      schema: {
        tags: ['invitations'],
        summary: "Each participant's latest invitation delivery (organizer only)",
        params: idParams,
        response: { 200: deliveryListReply, ...errors },
      },
    },
    async (request) => ({
      deliveries: await services.meetings.deliveries(memberOf(request), request.params.id),
    }),
  );

  app.post(
    '/api/meetings/:id/deliveries/:deliveryId/resend',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Send the current invitation to this participant again (organizer only)',
        params: deliveryParams,
        response: { 202: deliveryListReply, ...errors },
      },
    },
    async (request, reply) => {
      const { id, deliveryId } = request.params;
      const deliveries = await services.meetings.resend(memberOf(request), id, deliveryId);
      return reply.status(202).send({ deliveries });
    },
  );
};
