/**
 * The one translator from thrown errors to HTTP answers: `{ code, message, details? }` with a
 * stable code from the shared catalog. Unknown errors become 500 INTERNAL, logged with the
 * request id, their message never shown.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CATALOG, type ErrorCode } from '../../shared/errors.js';
import { AppError } from '../errors.js';

/** Fastify's own 4xx errors, by code, mapped onto our catalog. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION',
  FST_REQ_FILE_TOO_LARGE: 'IMAGE_TOO_LARGE',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message?: string,
  details?: unknown,
) {
  const body: { code: ErrorCode; message: string; details?: unknown } = {
    code,
    message: message ?? ERROR_CATALOG[code].message,
  };
  if (details !== undefined) body.details = details;
  return reply.status(ERROR_CATALOG[code].status).type('application/json').send(body);
}

/**
 * Errors Fastify meets before routing, which skip the hooks and the error handler: a broken
 * %-escape in the path, a path parameter over its length cap (no token or id is that long).
 * `headers` are the security headers the skipped hook would have set.
 */
export function frameworkErrorAnswer(headers: Readonly<Record<string, string>>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(headers);
    if (error.code === 'FST_ERR_BAD_URL') {
      return sendError(reply, 'VALIDATION', 'The URL is not valid: it has a broken %-escape.');
    }
    if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(reply, 'NOT_FOUND');
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, 'INTERNAL');
  };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply) => {
    if (error instanceof AppError) {
      const retryAfterMs = (error.details as { retryAfterMs?: number } | undefined)?.retryAfterMs;
      if (retryAfterMs !== undefined) reply.header('retry-after', Math.ceil(retryAfterMs / 1000));
      return sendError(reply, error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        field: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message,
      }));
      const first = issues[0];
      const message = first ? `${first.field}: ${first.message}` : undefined;
      return sendError(reply, 'VALIDATION', message, { issues });
    }
    const mapped = FASTIFY_CODES[error.code];
    if (mapped) return sendError(reply, mapped);
    if (error instanceof SyntaxError && error.statusCode === 400)
      return sendError(reply, 'BAD_JSON');
    if (error.statusCode === 429) return sendError(reply, 'RATE_LIMITED');
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.info({ err: error }, 'client error');
      const code =
        error.statusCode === 404
          ? 'NOT_FOUND'
          : error.statusCode === 403
            ? 'FORBIDDEN'
            : 'VALIDATION';
      return sendError(reply, code);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, 'INTERNAL');
  });
}
