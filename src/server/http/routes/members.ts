import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createMemberBody,
  errorBody,
  idParams,
  memberSchema,
  updateMemberBody,
} from '../../../shared/api.js';
import { memberOf } from '../auth.js';
import type { RouteContext } from '../context.js';

export const memberRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards },
) => {
  app.addHook('onRequest', guards.requireAdmin);

  app.get(
    '/api/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Every member of the organization (admins only)',
        response: {
          200: z.object({ members: z.array(memberSchema) }),
          401: errorBody,
          403: errorBody,
        },
      },
    },
    async () => ({ members: await services.members.list() }),
  );

  app.post(
    '/api/members',
    {
      schema: {
        tags: ['members'],
        summary: 'Create a member (admins only)',
        body: createMemberBody,
        response: { 201: memberSchema, 400: errorBody, 403: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => reply.status(201).send(await services.members.create(request.body)),
  );

  app.patch(
    '/api/members/:id',
    {
      schema: {
        tags: ['members'],
        summary: 'Disable, enable or change the role of a member (admins only)',
        params: idParams,
        body: updateMemberBody,
        response: {
          200: memberSchema,
          400: errorBody,
          403: errorBody,
          404: errorBody,
          409: errorBody,
        },
      },
    },
    async (request) =>
      services.members.update(memberOf(request).id, request.params.id, request.body),
  );
};
