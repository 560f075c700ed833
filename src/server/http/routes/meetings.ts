import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  checkParticipantsBody,
  checkParticipantsReply,
  createMeetingBody,
  errorBody,
  idParams,
  meetingListQuery,
  meetingListReply,
  meetingSchema,
  quickMeetingBody,
  updateMeetingBody,
} from '../../../shared/api.js';
import { memberOf } from '../auth.js';
import type { RouteContext } from '../context.js';

export const meetingRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards },
) => {
  const { meetings } = services;
  app.addHook('onRequest', guards.requireMember);
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

  app.post(
    '/api/participants/check',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Classify and normalize participant entries (email, phone, member) as typed',
        body: checkParticipantsBody,
        response: { 200: checkParticipantsReply, 400: errorBody, 401: errorBody },
      },
    },
    async (request) => {
      const results = await meetings.checkParticipants(request.body.participants);
      return {
        results: results.map((r) =>
          r.ok
            ? {
                ok: true as const,
                participant: {
                  kind: r.participant.kind,
                  address: r.participant.address,
                  displayName: r.participant.displayName,
                },
              }
            : r,
        ),
      };
    },
  );

  app.post(
    '/api/meetings',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Schedule a meeting',
        body: createMeetingBody,
        response: { 201: meetingSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await meetings.create(memberOf(request), request.body)),
  );

  app.post(
    '/api/meetings/quick',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Start a quick conference: no schedule, no invitees needed',
        body: quickMeetingBody,
        response: { 201: meetingSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await meetings.createQuick(memberOf(request), request.body ?? {})),
  );

  app.get(
    '/api/meetings',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Meetings the member organizes or is invited to',
        querystring: meetingListQuery,
        response: { 200: meetingListReply, 400: errorBody, 401: errorBody },
      },
    },
    async (request) => ({ meetings: await meetings.list(memberOf(request), request.query.scope) }),
  );

  app.get(
    '/api/meetings/:id',
    {
      schema: {
        tags: ['meetings'],
        summary: 'One meeting',
        params: idParams,
        response: { 200: meetingSchema, ...errors },
      },
    },
    async (request) => meetings.get(memberOf(request), request.params.id),
  );

  app.patch(
    '/api/meetings/:id',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Change a meeting (organizer only)',
        params: idParams,
        body: updateMeetingBody,
        response: { 200: meetingSchema, ...errors },
      },
    },
    async (request) => meetings.update(memberOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/meetings/:id',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Cancel a meeting (organizer only); the meeting is kept with status cancelled',
        params: idParams,
        response: { 200: meetingSchema, ...errors },
      },
    },
    async (request) => meetings.cancel(memberOf(request), request.params.id),
  );
};
