/** The audit log's view of a request: who (the logged-in member, if any) and from where. */
import type { FastifyRequest } from 'fastify';
import type { UserRow } from '../accounts/members.js';
import type { AuditActor } from '../audit/audit.js';

/** `member` overrides the request's own, e.g. the member a login has just identified. */
export function auditActor(
  request: FastifyRequest,
  member: UserRow | null = request.member,
): AuditActor {
  // request.ip honours TRUST_PROXY: the client's address behind a trusted proxy, never a forged one.
  return { id: member?.id ?? null, label: member?.email ?? '', source: request.ip };
}
