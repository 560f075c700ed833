import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  MEMBER_IMPORT_MAX_BYTES,
  createMemberBody,
  errorBody,
  idParams,
  listMembersQuery,
  memberImportReply,
  memberSchema,
  resetPasswordReply,
  updateMemberBody,
} from '../../../shared/api.js';
import { importMembers } from '../../accounts/member-import.js';
import { AppError } from '../../errors.js';
import { auditActor } from '../audit-actor.js';
import { memberOf } from '../auth.js';
import type { RouteContext } from '../context.js';
import { acceptUploads, fileBytes, uploadedFile } from '../uploads.js';

export const memberRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards },
) => {
  await acceptUploads(app);
  app.addHook('onRequest', guards.requireAdmin);
  const { audit } = services;
  const memberTarget = (m: { id: string; email: string }) => ({
    kind: 'member' as const,
    id: m.id,
    label: m.email,
  });

  app.get(
    '/api/members',
    {
      schema: {
        tags: ['members'],
        summary:
          'Members of the organization (admins only); q filters by email, user name or display ' +
          'name, in any case',
        querystring: listMembersQuery,
        response: {
          200: z.object({ members: z.array(memberSchema) }),
          400: errorBody,
          401: errorBody,
          403: errorBody,
        },
      },
    },
    async (request) => ({ members: await services.members.list(request.query.q) }),
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
    async (request, reply) => {
      const member = await services.members.create(request.body);
      await audit.record(auditActor(request), {
        action: 'member.create',
        target: memberTarget(member),
        details: { role: member.role },
      });
      return reply.status(201).send(member);
    },
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
    async (request) => {
      const before = await services.members.get(request.params.id);
      const member = await services.members.update(
        memberOf(request).id,
        request.params.id,
        request.body,
      );
      const actor = auditActor(request);
      const target = memberTarget(member);
      if (member.disabled !== (before.disabled === 1)) {
        const action = member.disabled ? 'member.disable' : 'member.enable';
        await audit.record(actor, { action, target });
      }
      if (member.role !== before.role) {
        const details = { from: before.role, to: member.role };
        await audit.record(actor, { action: 'member.role_change', target, details });
      }
      return member;
    },
  );

  app.post(
    '/api/members/:id/reset-password',
    {
      schema: {
        tags: ['members'],
        summary:
          'Give a member a new random password, answered once, and end their sessions (admins only)',
        params: idParams,
        response: { 200: resetPasswordReply, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const password = await services.members.resetPassword(request.params.id);
      const member = await services.members.get(request.params.id);
      await audit.record(auditActor(request), {
        action: 'member.password_reset',
        target: memberTarget(member),
      });
      return { password };
    },
  );

  app.post(
    '/api/members/import',
    {
      schema: {
        tags: ['members'],
        summary:
          'Create members from a CSV file (multipart, one field "file"; header email, username, ' +
          'displayName; at most 1 MB and 1,000 rows), with a report per row (admins only)',
        consumes: ['multipart/form-data'],
        response: {
          200: memberImportReply,
          400: errorBody,
          401: errorBody,
          403: errorBody,
          413: errorBody,
          415: errorBody,
        },
      },
    },
    async (request) => {
      if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      const file = await uploadedFile(request, MEMBER_IMPORT_MAX_BYTES);
      if (file?.fieldname !== 'file') {
        throw new AppError('VALIDATION', {
          message: 'Attach the CSV file in a field named "file".',
        });
      }
      const bytes = await fileBytes(file, 'CSV_TOO_LARGE');
      const report = await importMembers(services.members, bytes);
      await audit.record(auditActor(request), {
        action: 'member.import',
        details: {
          created: report.created,
          refused: report.refused,
          // Who was created, by email: what a later reader of the log will look for.
          emails: report.rows.filter((r) => r.status === 'created').map((r) => r.email),
        },
      });
      return report;
    },
  );
};
