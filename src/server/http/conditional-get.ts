/**
 * ETag and If-None-Match for JSON lists: a client that already holds the answer gets 304 and
 * no body. The tag is a digest of the exact bytes of the answer, so it changes whenever anything
 * in it changes (a meeting edited or cancelled, an invitee added, a member's new display name),
 * and only then; no version column has to be kept in step with every table a list reads.
 *
 * The tag is strong: two answers share it only when they are the same bytes. A proxy that
 * compresses the answer (nginx gzip) turns it into a weak `W/"…"`, which browsers then send
 * back, so If-None-Match is compared the weak way (RFC 9110 §13.1.2), as the RFC asks for it.
 *
 * The answer is personal (it depends on the session cookie), so only the browser may keep it
 * (`private`), and it must ask again each time (`no-cache`): with the tag, that costs a 304.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/** RFC 9110 If-None-Match: `*` or a list of tags, each possibly weak, compared weakly. */
export function noneMatch(header: string | undefined, tag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => {
    const trimmed = candidate.trim();
    return (trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed) === tag;
  });
}

/** An `onSend` hook for a GET route answering JSON: sets ETag, answers 304 when it matches. */
export function conditionalGet(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (error: Error | null, payload?: unknown) => void,
): void {
  if (reply.statusCode !== 200 || typeof payload !== 'string') return done(null, payload);
  const tag = entityTag(payload);
  reply.header('etag', tag);
  reply.header('cache-control', 'private, no-cache');
  reply.header('vary', 'cookie');
  if (!noneMatch(request.headers['if-none-match'], tag)) return done(null, payload);
  reply.code(304);
  done(null, '');
}
