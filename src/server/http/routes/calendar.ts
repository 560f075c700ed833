import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, joinParams } from '../../../shared/api.js';
import type { RouteContext } from '../context.js';

/** `<token>.ics`: the token is 256 bits in base64url (43 characters). */
const feedParams = z.object({
  file: z.string().regex(/^[A-Za-z0-9_-]{16,128}\.ics$/, 'a calendar feed file name'),
});

/**
 * Public, by secret: a member's calendar feed (what calendar apps subscribe to) and the
 * lobby's "Add to calendar" file.
 */
export const calendarRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, { services }) => {
  app.get(
    '/calendar/:file',
    {
      schema: {
        tags: ['calendar'],
        summary: "A member's private calendar feed (iCalendar), by its secret URL",
        params: feedParams,
        response: { 200: z.string(), 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const ics = await services.calendar.feed(request.params.file.slice(0, -'.ics'.length));
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, no-cache')
        .send(ics);
    },
  );

  app.get(
    '/api/join/:token/invite.ics',
    {
      schema: {
        tags: ['join'],
        summary: 'The meeting as an .ics file to add to a calendar (no password in it)',
        params: joinParams,
        response: { 200: z.string(), 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const ics = await services.calendar.lobbyFile(request.params.token);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'attachment; filename="meeting.ics"')
        .header('cache-control', 'no-store')
        .send(ics);
    },
  );
};
