import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteContext } from '../context.js';

/** The answer never changes, so it is serialized once (load balancers call this often). */
const OK = { status: 'ok' as const };
const OK_JSON = JSON.stringify(OK);

const checkState = z.enum(['up', 'down']);
const readinessSchema = z.object({
  status: z.enum(['ready', 'unavailable', 'draining']),
  checks: z.object({ database: checkState, redis: checkState.optional() }).optional(),
});

export const healthRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, { services }) => {
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      schema: {
        tags: ['health'],
        summary: 'Liveness',
        description: 'The process answers; says nothing of the database or Redis (see /readyz).',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
      // The zod serializer cost more than the rest of the request (bench/api.ts: 54% of bare
      // node:http with it, on par without it); the schema stays for the OpenAPI document.
      serializerCompiler: () => () => OK_JSON,
    },
    async () => OK,
  );

  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        tags: ['health'],
        summary: 'Readiness: may this node be sent work?',
        description:
          '200 when the database answers and, where nodes share a Redis, Redis answers too. ' +
          '503 names the part that did not (`checks`), or says `draining` from SIGTERM on.',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const report = await services.readiness.check();
      return reply.status(report.status === 'ready' ? 200 : 503).send(report);
    },
  );
};
