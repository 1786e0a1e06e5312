import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnreachable } from '../database/database-outage';
import { AppException } from './app.exception';
import type { ErrorCode } from './error-codes';
import { PROBLEM_TYPE_PREFIX, ProblemDetails, ProblemFieldError } from './problem.dto';

export interface MappedProblem {
  body: ProblemDetails & Record<string, unknown>;
  headers: Record<string, string>;
  /** true when the error is unexpected: log it with its stack. */
  unexpected: boolean;
  /** true when the database could not be reached: an outage, logged once for all its requests (DatabaseOutage). */
  databaseUnreachable: boolean;
}

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  408: 'request-timeout',
  409: 'conflict',
  410: 'gone',
  413: 'payload-too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'too-many-requests',
  500: 'internal',
  501: 'not-implemented',
  503: 'service-unavailable',
};

/** PostgreSQL errors that describe the request rather than a bug. */
const PG_ERRORS: Record<string, { status: number; code: ErrorCode; detail: string }> = {
  '23505': { status: 409, code: 'conflict', detail: 'A resource with the same unique value already exists.' },
  '23503': { status: 409, code: 'reference-conflict', detail: 'The change refers to, or is referred to by, another resource.' },
  '22P02': { status: 400, code: 'bad-request', detail: 'A value has an invalid format.' },
  '22001': { status: 400, code: 'bad-request', detail: 'A value is too long.' },
  '40001': { status: 409, code: 'concurrent-update', detail: 'The resource was changed concurrently; retry the request.' },
  '40P01': { status: 409, code: 'concurrent-update', detail: 'The resource was changed concurrently; retry the request.' },
  '57014': { status: 503, code: 'service-unavailable', detail: 'The database did not answer in time.' },
};

/**
 * PostgreSQL's class 22, data exception (a value out of range, a date that does not exist, text
 * it cannot store): always a value that came with the request and that validation let through,
 * never the server's state. A 400, never a 500; the specific codes above keep their wording.
 */
const DATA_EXCEPTION = { status: 400, code: 'bad-request', detail: 'A value is out of range or cannot be stored.' } as const;

function postgresProblem(sqlState: string): { status: number; code: ErrorCode; detail: string } | undefined {
  return PG_ERRORS[sqlState] ?? (sqlState.startsWith('22') ? DATA_EXCEPTION : undefined);
}

/**
 * pg-pool's answer when no connection frees up within the connect timeout: the database is
 * saturated (on the embedded default, one connection serves every request), not broken.
 */
const POOL_TIMEOUT = 'timeout exceeded when trying to connect';

/**
 * Seconds a client should wait before retrying while the database is unreachable. An outage
 * (a restart, a fail-over) lasts seconds: a little longer than for a busy pool, so that waiting
 * clients do not hammer a node that can only answer 503.
 */
const UNREACHABLE_RETRY_AFTER_SECONDS = '5';

/** The router's own messages quote the whole URL, however long: these say what is wrong instead. */
const ROUTER_DETAILS: Record<string, string> = {
  FST_ERR_BAD_URL: 'The URL is not valid: a percent-encoded sequence is malformed or is not UTF-8.',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is too long.',
};

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Turns any thrown value into a problem+json document. The single error mapping of the app. */
export function toProblem(error: unknown, instance: string, requestId: string): MappedProblem {
  let status = 500;
  let code: ErrorCode = 'internal';
  let detail: string | undefined = 'An unexpected error occurred.';
  let errors: ProblemFieldError[] | undefined;
  let extensions: Record<string, unknown> | undefined;
  let headers: Record<string, string> = {};
  let unexpected = false;
  // A domain exception says what went wrong itself, even when its cause is a refused connection (an identity provider, say).
  const databaseUnreachable = !(error instanceof AppException) && isDatabaseUnreachable(error);

  if (databaseUnreachable) {
    // Whatever wraps it (TypeORM's QueryFailedError, a connection attempt that timed out): not a bug, and the client may retry.
    status = 503;
    code = 'service-unavailable';
    detail = 'The database is unreachable; retry shortly.';
    headers = { 'retry-after': UNREACHABLE_RETRY_AFTER_SECONDS };
  } else if (error instanceof AppException) {
    ({ status, code, detail, errors, extensions } = error);
    headers = error.headers ?? {};
  } else if (error instanceof HttpException) {
    status = error.getStatus();
    const cause = error.cause as FastifyLikeError | undefined;
    code = cause?.code?.startsWith('FST_') ? fastifyCode({ ...cause, statusCode: status }) : codeOfStatus(status);
    detail = httpExceptionDetail(error);
    unexpected = status >= 500;
  } else if (error instanceof QueryFailedError) {
    const pg = postgresProblem((error.driverError as { code?: string } | undefined)?.code ?? '');
    if (pg) ({ status, code, detail } = pg);
    else unexpected = true;
  } else if (error instanceof Error && error.message === POOL_TIMEOUT) {
    status = 503;
    code = 'service-unavailable';
    detail = 'The database is busy; retry shortly.';
    headers = { 'retry-after': '1' };
  } else if (isClientError(error)) {
    status = error.statusCode;
    code = fastifyCode(error);
    detail = ROUTER_DETAILS[error.code ?? ''] ?? error.message;
  } else {
    unexpected = true;
  }
  if (status >= 500 && unexpected) detail = 'An unexpected error occurred.';

  const body: MappedProblem['body'] = {
    ...extensions,
    type: `${PROBLEM_TYPE_PREFIX}${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    ...(detail !== undefined && { detail }),
    instance,
    code,
    requestId,
    ...(errors && { errors }),
  };
  return { body, headers, unexpected, databaseUnreachable };
}

function httpExceptionDetail(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return error.message;
}

function isClientError(error: unknown): error is Required<Pick<FastifyLikeError, 'statusCode'>> & FastifyLikeError {
  const statusCode = (error as FastifyLikeError | null)?.statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}

/** The generic code of an HTTP status; a status without one gets its class's (400 or 500). */
function codeOfStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status < 500 ? 'bad-request' : 'internal');
}

function fastifyCode(error: FastifyLikeError): ErrorCode {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'malformed-json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'empty-body';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported-media-type';
    default:
      if (error instanceof SyntaxError) return 'malformed-json';
      return codeOfStatus(error.statusCode ?? 400);
  }
}
