import { STATUS_CODES } from 'node:http';
import type { ErrorCode } from './error-codes';
import type { ProblemFieldError } from './problem.dto';

export interface AppExceptionOptions {
  detail?: string;
  errors?: ProblemFieldError[];
  /** Extra members added to the problem document (RFC 9457 extensions). */
  extensions?: Record<string, unknown>;
  /** Extra response headers (for instance Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * A domain failure with a stable code and a message that is safe to show to the
 * client. The global filter turns it into problem+json. Domain modules subclass
 * it or use the factories below; they never throw a bare Error for a domain failure.
 */
export class AppException extends Error {
  readonly detail?: string;
  readonly errors?: ProblemFieldError[];
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    readonly status: number,
    /** One of ERROR_CODES: kebab-case, stable, clients switch on it. */
    readonly code: ErrorCode,
    options: AppExceptionOptions = {},
  ) {
    super(options.detail ?? STATUS_CODES[status] ?? code, { cause: options.cause });
    this.name = 'AppException';
    this.detail = options.detail;
    this.errors = options.errors;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }

  get title(): string {
    return STATUS_CODES[this.status] ?? 'Error';
  }

  static validation(errors: ProblemFieldError[], detail = 'The request is invalid.'): AppException {
    return new AppException(400, 'validation-failed', { detail, errors });
  }

  static invalidField(field: string, message: string, code = 'invalid'): AppException {
    return AppException.validation([{ field, message, code }]);
  }

  static unauthorized(detail = 'Authentication is required.', code: ErrorCode = 'unauthorized'): AppException {
    return new AppException(401, code, { detail, headers: { 'WWW-Authenticate': 'Bearer' } });
  }

  static forbidden(detail = 'You are not allowed to do this.', code: ErrorCode = 'forbidden'): AppException {
    return new AppException(403, code, { detail });
  }

  /** Also the answer for another tenant's resource: it must look exactly like a missing one. */
  static notFound(resource: string, code: ErrorCode = 'not-found'): AppException {
    return new AppException(404, code, { detail: `${resource} not found.` });
  }

  static conflict(detail: string, code: ErrorCode = 'conflict'): AppException {
    return new AppException(409, code, { detail });
  }

  static unprocessable(detail: string, code: ErrorCode = 'unprocessable'): AppException {
    return new AppException(422, code, { detail });
  }
}
