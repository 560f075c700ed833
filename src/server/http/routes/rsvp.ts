import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody, rsvpBody, rsvpPageSchema, rsvpParams } from '../../../shared/api.js';
import type { RouteContext } from '../context.js';

/** Answers a person gives by the personal link of their invitation: no account, the link is the key. */
const ANSWERS_PER_MINUTE = 30;

/** Public: an invitee's answer page (`/r/<token>` in the web app), their answer, their .ics. */
export const rsvpRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, { services }) => {
  const { answers } = services;

  app.get(
    '/api/rsvp/:token',
    {
      schema: {
        tags: ['replies'],
        summary: 'The meeting and the answer so far, for the invitee this personal link is for',
        params: rsvpParams,
        response: { 200: rsvpPageSchema, 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return answers.page(request.params.token);
    },
  );

  app.put(
    '/api/rsvp/:token',
    {
      schema: {
        tags: ['replies'],
        summary: 'Answer Yes, No or Maybe (again, to change it); 409 once the meeting is cancelled',
        params: rsvpParams,
        body: rsvpBody,
        response: {
          200: rsvpPageSchema,
          400: errorBody,
          404: errorBody,
          409: errorBody,
          429: errorBody,
        },
      },
      config: { rateLimit: { max: ANSWERS_PER_MINUTE, timeWindow: 60_000 } },
    },
    async (request) => answers.answerByLink(request.params.token, request.body.response),
  );

  app.get(
    '/api/rsvp/:token/invite.ics',
    {
      schema: {
        tags: ['replies'],
        summary: "The meeting as an .ics file for this invitee's calendar",
        params: rsvpParams,
        response: { 200: z.string(), 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) => {
      const ics = await answers.calendarFile(request.params.token);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'attachment; filename="meeting.ics"')
        .header('cache-control', 'no-store')
        .send(ics);
    },
  );
};
