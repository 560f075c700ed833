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
import type { RouteContext } from '../context.js';

/** The Outbox: every rendered message and its delivery state, for admins. */
export const outboxRoutes: FastifyPluginAsyncZod<RouteContext> = async (
  app,
  { services, guards },
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
    async (request) => toOutboxItem(await services.invitations.retryFailed(request.params.id)),
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
    async () => ({ retried: await services.invitations.retryAllFailed() }),
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
      // else: no scripts, no requests, framed only by our own pages, sandboxed.
      return reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'",
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
        summary: "Download an email's calendar invitation (admins only)",
        params: idParams,
        response: { 200: z.string(), ...errors },
      },
    },
    async (request, reply) => {
      const message = await emailOf(request.params.id);
      return reply
        .type(`text/calendar; charset=utf-8; method=${message.icsMethod}`)
        .header('Content-Disposition', 'attachment; filename="invite.ics"')
        .send(message.ics);
    },
  );
};
