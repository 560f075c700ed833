import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  checkParticipantsBody,
  checkParticipantsReply,
  createMeetingBody,
  errorBody,
  idParams,
  meetingListQuery,
  meetingListReply,
  meetingDefaultsReply,
  meetingSchema,
  notModified,
  quickMeetingBody,
  type Meeting,
  updateMeetingBody,
} from '../../../shared/api.js';
import type { AuditEvent } from '../../audit/audit.js';
import { auditActor } from '../audit-actor.js';
import { memberOf } from '../auth.js';
import { conditionalGet } from '../conditional-get.js';
import { plainJson } from '../plain-json.js';
import type { RouteContext } from '../context.js';

export const meetingRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards },
) => {
  const { meetings } = services;
  app.addHook('onRequest', guards.requireMember);

  /** Meeting actions by admins go to the audit log (members' own meetings do not). */
  async function auditAdmin(
    request: FastifyRequest,
    meeting: Meeting,
    events: Omit<AuditEvent, 'target'>[],
  ): Promise<void> {
    if (memberOf(request).role !== 'admin') return;
    const target = { kind: 'meeting' as const, id: meeting.id, label: meeting.name };
    for (const event of events) {
      await services.audit.record(auditActor(request), { ...event, target });
    }
  }
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

  app.get(
    '/api/meetings/defaults',
    {
      schema: {
        tags: ['meetings'],
        summary: 'What a new meeting gets when its body says nothing (the waiting room)',
        response: { 200: meetingDefaultsReply, ...errors },
      },
    },
    async () => ({ waitingRoom: (await services.settings.get()).waitingRoomDefault }),
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
    async (request, reply) => {
      const meeting = await meetings.create(memberOf(request), request.body);
      await auditAdmin(request, meeting, [
        {
          action: 'meeting.create',
          details: {
            kind: meeting.kind,
            passwordProtected: meeting.passwordProtected,
            participants: meeting.participants.length,
          },
        },
      ]);
      return reply.status(201).send(meeting);
    },
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
    async (request, reply) => {
      const meeting = await meetings.createQuick(memberOf(request), request.body ?? {});
      await auditAdmin(request, meeting, [
        {
          action: 'meeting.create',
          details: { kind: meeting.kind, passwordProtected: meeting.passwordProtected },
        },
      ]);
      return reply.status(201).send(meeting);
    },
  );

  app.get(
    '/api/meetings',
    {
      schema: {
        tags: ['meetings'],
        summary: 'Meetings the member organizes or is invited to, a page at a time',
        description:
          'Upcoming soonest first, past newest first; meetings that start together are ordered ' +
          'by id, so following `nextCursor` never skips or repeats one. The answer carries an ' +
          '`ETag`; sent back in `If-None-Match`, it gets 304 while the page is unchanged.',
        querystring: meetingListQuery,
        response: { 200: meetingListReply, 304: notModified, 400: errorBody, 401: errorBody },
      },
      serializerCompiler: plainJson,
      onSend: conditionalGet,
    },
    async (request) => {
      const { scope, limit, cursor } = request.query;
      return meetings.list(memberOf(request), scope, { limit, cursor });
    },
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
    async (request) => {
      const { password, passwordProtected, ...rest } = request.body;
      const meeting = await meetings.update(memberOf(request), request.params.id, request.body);
      // Those already in the room stay in (a reload must not send them to wait).
      if (request.body.waitingRoom === true) await services.rooms.admitPresent(meeting.id);
      const fields = Object.keys(rest).filter((k) => rest[k as keyof typeof rest] !== undefined);
      const events: Omit<AuditEvent, 'target'>[] = [];
      if (fields.length > 0) events.push({ action: 'meeting.update', details: { fields } });
      // Never the digits themselves: only that the password changed and how.
      if (password !== undefined || passwordProtected !== undefined) {
        events.push({
          action: 'meeting.password_change',
          details: {
            passwordProtected: meeting.passwordProtected,
            how: password !== undefined ? 'typed' : passwordProtected ? 'generated' : 'removed',
          },
        });
      }
      await auditAdmin(request, meeting, events);
      return meeting;
    },
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
    async (request) => {
      const meeting = await meetings.cancel(memberOf(request), request.params.id);
      await services.rooms.closeRoom(meeting.id);
      await auditAdmin(request, meeting, [{ action: 'meeting.cancel' }]);
      return meeting;
    },
  );
};
