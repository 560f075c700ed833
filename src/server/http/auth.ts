/**
 * Session cookie handling and the guards routes declare: `requireMember`, `requireAdmin`.
 * The cookie holds a random token; the database holds only its hash. Guards run as `onRequest`
 * hooks, before the body is parsed: an anonymous request learns nothing from validation.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { UserRow } from '../accounts/members.js';
import type { SessionsService } from '../accounts/sessions.js';

export const SESSION_COOKIE = 'tertulia_session';
/** Guest sessions, bound to one meeting; separate from member logins. */
export const GUEST_COOKIE = 'tertulia_guest';

declare module 'fastify' {
  interface FastifyRequest {
    member: UserRow | null;
  }
}

export function sessionCookieOptions(secure: boolean, maxAgeMs: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure,
    maxAge: Math.floor(maxAgeMs / 1000),
  };
}

export function makeGuards(sessions: SessionsService) {
  async function loadMember(request: FastifyRequest): Promise<UserRow | null> {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return null;
    request.member = (await sessions.authenticate(token)) ?? null;
    return request.member;
  }

  async function requireMember(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    if (!(await loadMember(request))) throw new AppError('UNAUTHENTICATED');
  }

  async function requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const member = await loadMember(request);
    if (!member) throw new AppError('UNAUTHENTICATED');
    if (member.role !== 'admin') throw new AppError('ADMIN_ONLY');
  }

  /** For public routes that behave differently for a logged-in member (the lobby). */
  async function optionalMember(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    await loadMember(request);
  }

  /** Who is logged in, for a page rather than a route (the join link's page, web.ts). */
  const currentMember = loadMember;

  return { requireMember, requireAdmin, optionalMember, currentMember };
}

export type Guards = ReturnType<typeof makeGuards>;

/** The member a guarded route runs for; the guard has already refused anonymous requests. */
export function memberOf(request: FastifyRequest): UserRow {
  if (!request.member) throw new AppError('UNAUTHENTICATED');
  return request.member;
}
