/**
 * Builds the Fastify application: plugins, security headers, OpenAPI, routes and the single
 * error handler. Listening is main.ts's job, so tests drive this app through `inject()`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance, type RouteOptions } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import { CLOSE_CODES, MAX_FRAME_BYTES } from '../../shared/signaling.js';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Services } from '../compose.js';
import type { Config } from '../config.js';
import { makeGuards } from './auth.js';
import type { RouteContext } from './context.js';
import { installDraining } from './draining.js';
import { frameworkErrorAnswer, installErrorHandler } from './error-handler.js';
import { serializeRequest } from './log-redaction.js';
import { installOriginCheck } from './origin-check.js';
import { installRequestMetrics } from './request-metrics.js';
import { redisRateLimitStore } from './redis-rate-limit-store.js';
import { installSecurityHeaders, securityHeaders } from './security-headers.js';
import { adminMeetingRoutes } from './routes/admin-meetings.js';
import { adminSettingsRoutes } from './routes/admin-settings.js';
import { auditRoutes } from './routes/audit.js';
import { avatarRoutes } from './routes/avatars.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { healthRoutes } from './routes/health.js';
import { joinRoutes, lobbyBootLoader } from './routes/join.js';
import { meetingRoutes } from './routes/meetings.js';
import { memberRoutes } from './routes/members.js';
import { metricsRoutes } from './routes/metrics.js';
import { outboxRoutes } from './routes/outbox.js';
import { roomRoutes } from './routes/room.js';
import { calendarRoutes } from './routes/calendar.js';
import { rsvpRoutes } from './routes/rsvp.js';
import { sessionRoutes } from './routes/session.js';
import { registerWeb } from './web.js';

/** JSON bodies are small forms; 64 KiB is far above any legitimate one. */
const BODY_LIMIT_BYTES = 64 * 1024;

const defaultWebDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../dist/web',
);

export interface AppOptions {
  config: Config;
  services: Services;
  /** Where the built web app lives; defaults to dist/web beside the sources. */
  webDir?: string;
  logger?: boolean;
  /** Told of every route as it is added, schemas included (the HTTP fuzz test lists them). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp({
  config,
  services,
  webDir,
  logger = true,
  onRoute,
}: AppOptions): Promise<FastifyInstance> {
  const headers = securityHeaders({ https: config.secureCookies });
  const app = Fastify({
    logger: logger && {
      level: config.logLevel,
      // As main.ts's logger: which node wrote a line matters once there are several.
      base: { node: config.nodeId, pid: process.pid },
      // Cookies carry session tokens: never let them reach the logs.
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      // Join links carry their token in the path (log-redaction.ts).
      serializers: { req: serializeRequest },
    },
    bodyLimit: BODY_LIMIT_BYTES,
    frameworkErrors: frameworkErrorAnswer(headers),
    trustProxy: config.trustProxy,
    // One line per request is noise at info level; debug and trace turn it back on.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
  }).withTypeProvider<ZodTypeProvider>();

  if (onRoute) app.addHook('onRoute', onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  app.decorateRequest('member', null);

  installSecurityHeaders(app, headers);
  installOriginCheck(app, config.publicUrl);
  installRequestMetrics(app, services.metrics);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    // With REDIS_URL every node counts in Redis. While Redis is down a limited route answers
    // 503 (fail closed: login guesses must not go uncounted) unless it sets skipOnError.
    ...(services.redis && { store: redisRateLimitStore(services.redis), skipOnError: false }),
  });
  // Frames over MAX_FRAME_BYTES get an error frame from the room; ws only drops far larger ones.
  await app.register(fastifyWebsocket, {
    options: { maxPayload: 16 * MAX_FRAME_BYTES },
    // Instead of the plugin's plain close: the hub says NODE_DRAINING so browsers reconnect at
    // once (to another node, if there is one) and keep their place; sockets that never said
    // hello are in no room, and are told the same here.
    preClose: async () => {
      await services.rooms.close();
      for (const socket of app.websocketServer.clients) {
        socket.close(CLOSE_CODES.NODE_DRAINING, 'NODE_DRAINING');
      }
    },
  });
  // After the WebSocket plugin: its own hooks must see a refused upgrade to end its socket.
  installDraining(app, services.readiness);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Tertulia API',
        version: '0.1.0',
        description:
          'Errors are JSON {code, message, details?}; codes are listed in docs/errors.md.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'tertulia_session' } },
      },
    },
    transform: jsonSchemaTransform,
  });

  const context: RouteContext = { config, services, guards: makeGuards(services.sessions) };
  await app.register(healthRoutes, context);
  await app.register(metricsRoutes, context);
  await app.register(sessionRoutes, context);
  await app.register(memberRoutes, context);
  await app.register(meetingRoutes, context);
  await app.register(adminMeetingRoutes, context);
  await app.register(deliveryRoutes, context);
  await app.register(outboxRoutes, context);
  await app.register(joinRoutes, context);
  await app.register(avatarRoutes, context);
  await app.register(roomRoutes, context);
  await app.register(rsvpRoutes, context);
  await app.register(calendarRoutes, context);
  await app.register(adminSettingsRoutes, context);
  await app.register(auditRoutes, context);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await registerWeb(app, webDir ?? defaultWebDir, lobbyBootLoader(services, context.guards));
  return app;
}
