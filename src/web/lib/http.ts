/**
 * The one place the web app talks HTTP: same-origin JSON with the session cookie, error bodies
 * turned into ApiError. No validation of answers: the server validates against the same shared
 * schemas, and pulling zod into the bundle would triple its size.
 */
import { callEach } from '../../shared/listeners.js';
import { ApiError } from './api-error.js';
import { parseRetryAfter } from './retry-countdown.js';

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called whenever the server says the session is gone, so the app can send the person to log in. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON, or as is when it is FormData (the browser sets the multipart boundary). */
  body?: unknown;
  signal?: AbortSignal;
  /** Extra request headers, e.g. the join token a guest's avatar upload carries. */
  headers?: Record<string, string>;
}

/** Options for a JSON body sent with `method`. */
export const json = (method: 'POST' | 'PATCH', body: unknown) => ({ method, body }) as const;

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, signal } = options;
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: payload,
      signal,
      credentials: 'same-origin',
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError('NETWORK', 'The server could not be reached.', 0, undefined);
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (response.ok) return data as T;

  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
  const error = toApiError(response.status, data, retryAfterMs);
  if (error.code === 'UNAUTHENTICATED') {
    // A listener that throws is logged: the caller still gets this ApiError, not the listener's.
    callEach(
      unauthenticatedListeners,
      (listener) => listener(),
      (failure) => console.error('Unauthenticated listener failed', failure),
    );
  }
  throw error;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(status: number, data: unknown, retryAfterMs: number | null): ApiError {
  const body = (data ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof body.code === 'string' && typeof body.message === 'string') {
    return new ApiError(body.code, body.message, status, body.details, retryAfterMs);
  }
  // A proxy or a crash page, not our API: keep the status so the person sees something useful.
  const code = status >= 500 ? 'INTERNAL' : 'HTTP_' + status;
  return new ApiError(code, `HTTP ${status}`, status, undefined, retryAfterMs);
}
