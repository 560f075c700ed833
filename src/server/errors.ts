/**
 * The one error type the domain throws. The HTTP error handler is the only place that turns it
 * into a response; its status and default message come from the shared catalog.
 */
import { ERROR_CATALOG, type ErrorCode } from '../shared/errors.js';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(
    code: ErrorCode,
    options: { message?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(options.message ?? ERROR_CATALOG[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = options.details;
  }
}
