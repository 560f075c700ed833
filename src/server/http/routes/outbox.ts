import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  errorBody,
  idParams,
  outboxDetailSchema,
  outboxListReply,
  outboxItemSchema,
  outboxQuery,
  outboxRetryAllReply,
} from '../../../shared/api.js';
import { AppError } from '../../errors.js';
import type { EmailMessage, OutboundMessage } from '../../invitations/messages.js';
import { toOutboxDetail, toOutboxItem } from '../../invitations/views.js';
import { auditActor } from '../audit-actor.js';
import type { RouteContext } from '../context.js';

/** The Outbox: every rendered message and its delivery state, for admins. */
export const outboxRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards, config },
) => {
  app.addHook('onRequest', guards.requireAdmin);

  /** The email of an outbox row, or NOT_FOUND (unknown id, or an SMS). */
  async function emailOf(id: string): Promise<EmailMessage> {
    const row = await services.outbox.get(id);
    const message = row ? (JSON.parse(row.payload) as OutboundMessage) : undefined;
    if (message?.channel !== 'email') throw new AppError('NOT_FOUND');
    return message;
  }
  const errors = { 401: errorBody, 403: errorBody, 404: errorBody };

  app.get(
    '/api/outbox',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Every outgoing message, newest first (admins only)',
        querystring: outboxQuery,
        response: { 200: outboxListReply, 400: errorBody, ...errors },
      },
    },
    async (request) => ({
      items: (await services.outbox.list(request.query)).map(toOutboxItem),
    }),
  );

  app.get(
    '/api/outbox/:id',
    {
      schema: {
        tags: ['invitations'],
        summary: 'One message as rendered: email (HTML, text, ICS) or SMS text (admins only)',
        params: idParams,
        response: { 200: outboxDetailSchema, ...errors },
      },
    },
    async (request) => {
      const row = await services.outbox.get(request.params.id);
      if (!row) throw new AppError('NOT_FOUND');
      return toOutboxDetail(row);
    },
  );

  app.post(
    '/api/outbox/:id/retry',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Queue a failed message again, same Message-ID, fresh retry window (admins only)',
        params: idParams,
        response: { 200: outboxItemSchema, ...errors, 409: errorBody },
      },
    },
    async (request) => {
      const row = await services.invitations.retryFailed(request.params.id);
      await services.audit.record(auditActor(request), {
        action: 'outbox.retry',
        target: { kind: 'outbox', id: row.id, label: row.participant_address },
        details: { channel: row.channel, meetingId: row.meeting_id },
      });
      return toOutboxItem(row);
    },
  );

  app.post(
    '/api/outbox/retry-failed',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Queue every failed message again (admins only)',
        response: { 200: outboxRetryAllReply, 401: errorBody, 403: errorBody },
      },
    },
    async (request) => {
      const retried = await services.invitations.retryAllFailed();
      await services.audit.record(auditActor(request), {
        action: 'outbox.retry_all',
        details: { retried },
      });
      return { retried };
    },
  );

  app.get(
    '/api/outbox/:id/preview.html',
    {
      schema: {
        tags: ['invitations'],
        summary: "An email's HTML as the recipient sees it, for a sandboxed preview (admins only)",
        params: idParams,
        response: { 200: z.string(), ...errors },
      },
    },
    async (request, reply) => {
      const message = await emailOf(request.params.id);
      // Email HTML is styled inline; this document alone may use inline styles, and nothing
      // else: no scripts, no requests but the organization's logo, framed only by our own
      // pages, sandboxed.
      return reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          `default-src 'none'; style-src 'unsafe-inline'; img-src data: ${new URL(config.publicUrl).origin}/logos/; sandbox; frame-ancestors 'self'`,
        )
        .header('x-frame-options', 'SAMEORIGIN')
        .header('cache-control', 'no-store')
        .send(message.html);
    },
  );

  app.get(
    '/api/outbox/:id/invite.ics',
    {
      schema: {
        tags: ['invitations'],
        summary: "Download an email's calendar invitation (admins only; 404 for reminders)",
        params: idParams,
        response: { 200: z.string(), ...errors },
      },
    },
    async (request, reply) => {
      const message = await emailOf(request.params.id);
      if (!message.ics || !message.icsMethod) throw new AppError('NOT_FOUND');
      return reply
        .type(`text/calendar; charset=utf-8; method=${message.icsMethod}`)
        .header('Content-Disposition', 'attachment; filename="invite.ics"')
        .send(message.ics);
    },
  );
};
