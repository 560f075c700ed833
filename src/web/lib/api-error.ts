import type { InviteeIssue } from '../../shared/api.js';

/** An error answer from our API (`{code, message, details?}`), or a network failure (code NETWORK). */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
    /** From a `Retry-After` header (429, 503), in milliseconds; null when absent. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  /** The per-item issues of an INVALID_PARTICIPANTS answer; empty for any other error. */
  participantIssues(): InviteeIssue[] {
    if (this.code !== 'INVALID_PARTICIPANTS') return [];
    const details = this.details as { participants?: unknown } | undefined;
    return Array.isArray(details?.participants) ? (details.participants as InviteeIssue[]) : [];
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
