/**
 * `GET /metrics` on the main port, for a Prometheus that reaches the nodes over the network:
 * only when METRICS_TOKEN is set, and only with `Authorization: Bearer <METRICS_TOKEN>`.
 * Without the token configured the route answers 404, as if it did not exist. (METRICS_PORT
 * serves the same text on loopback without a token: metrics-listener.ts.)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sendError } from '../error-handler.js';
import type { RouteContext } from '../context.js';

export const metricsRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { config, services },
) => {
  const token = config.metricsToken;
  app.get(
    '/metrics',
    {
      logLevel: 'warn',
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (with METRICS_TOKEN as a bearer token)',
        description:
          'Prometheus text format. 404 unless METRICS_TOKEN is set; 401 without ' +
          '`Authorization: Bearer <METRICS_TOKEN>`. docs/operations.md lists the metrics.',
      },
    },
    async (request, reply) => {
      if (token === undefined) return sendError(reply, 'NOT_FOUND');
      if (!bearerMatches(request.headers.authorization, token)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        return sendError(reply, 'UNAUTHENTICATED', 'Send the metrics token as a bearer token.');
      }
      const { contentType, text } = await services.metrics.render();
      return reply.type(contentType).send(text);
    },
  );
};

/** Compared as hashes in constant time: neither the token's bytes nor its length leak. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (\S+)$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(token));
}
