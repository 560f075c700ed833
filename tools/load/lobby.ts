/**
 * The lobby as a browser passes it: the meeting link's facts (`GET /api/join/:token`), then a
 * guest session under a name (`POST /api/join/:token`), whose token opens the room's WebSocket
 * as a bearer. What a person would be refused with is a LoadInputError with one clear line.
 */
import { joinInfoSchema, joinReply, type JoinInfo } from '../../src/shared/api.js';

/** Bad input: the tool says why in one line and exits with code 2. */
export class LoadInputError extends Error {}

export interface MeetingLink {
  /** The app's origin, e.g. http://localhost:3000. */
  origin: string;
  token: string;
}

/** A meeting link is `<origin>/m/<join token>`, perhaps with a query (`?username=`). */
export function parseJoinUrl(joinUrl: string): MeetingLink {
  let url: URL;
  try {
    url = new URL(joinUrl);
  } catch {
    throw new LoadInputError(`${joinUrl} is not a Tertulia meeting link (not a URL).`);
  }
  const token = /^\/m\/([A-Za-z0-9_-]{16,})\/?$/.exec(url.pathname)?.[1];
  if (!['http:', 'https:'].includes(url.protocol) || !token) {
    throw new LoadInputError(
      `${joinUrl} is not a Tertulia meeting link (expected http(s)://host/m/<token>).`,
    );
  }
  return { origin: url.origin, token };
}

/** The meeting's lobby facts; refuses a link no meeting answers and a meeting not open now. */
export async function meetingInfo(link: MeetingLink): Promise<JoinInfo> {
  const url = `${link.origin}/api/join/${link.token}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new LoadInputError(`${url} did not answer (${(error as Error).message}).`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 404) {
    throw new LoadInputError('No meeting has this link (MEETING_NOT_FOUND).');
  }
  const info = joinInfoSchema.safeParse(body);
  if (!response.ok || !info.success) {
    throw new LoadInputError(`${url} is not a Tertulia meeting link (HTTP ${response.status}).`);
  }
  if (info.data.state !== 'open') {
    throw new LoadInputError(
      `The meeting "${info.data.name}" is closed for joining now (${info.data.state}).`,
    );
  }
  return info.data;
}

/** Passes the lobby as a guest called `name`; returns the guest token. */
export async function guestSession(
  link: MeetingLink,
  name: string,
  password: string | undefined,
): Promise<string> {
  const response = await fetch(`${link.origin}/api/join/${link.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: name, ...(password ? { password } : {}) }),
  });
  const body: unknown = await response.json().catch(() => undefined);
  const reply = joinReply.safeParse(body);
  if (response.status === 201 && reply.success && reply.data.token) return reply.data.token;
  const code = (body as { code?: string } | undefined)?.code ?? `HTTP ${response.status}`;
  if (code === 'PASSWORD_REQUIRED' || code === 'PASSWORD_WRONG') {
    throw new LoadInputError(
      password
        ? 'The meeting refused this password (PASSWORD_WRONG).'
        : 'The meeting is password-protected: give --password.',
    );
  }
  throw new Error(`the lobby refused ${name}: ${code}`);
}
