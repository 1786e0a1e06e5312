import { Logger } from '@nestjs/common';

/** Socket errors of a database that is down, restarting or cut off by the network. */
const NETWORK_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server that is going away or not taking connections yet: admin_shutdown,
 * crash_shutdown, cannot_connect_now (class 08, connection_exception, is matched as a class).
 */
const SHUTDOWN_SQLSTATES = new Set(['57P01', '57P02', '57P03']);

/** What `pg` and pg-pool throw when a connection dies, cannot be made in time, or already died. */
const DRIVER_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Client has encountered a connection error and is not queryable',
]);

/** How deep the wrappers of an error are searched (TypeORM's driverError, `cause`, AggregateError). */
const MAX_DEPTH = 4;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * Whether `error` says the database cannot be reached (down, restarting, network cut) rather than
 * that a statement was wrong. It looks through what wraps the driver's error: TypeORM's
 * QueryFailedError (`driverError`), an Error's `cause`, and the AggregateError Node raises when
 * every address of a host refused the connection.
 */
export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const { code, message, driverError, cause, errors } = error as ErrorLike;
  if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || SHUTDOWN_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof message === 'string' && DRIVER_MESSAGES.has(message)) return true;
  const wrapped = [driverError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return wrapped.some((inner) => inner !== error && isDatabaseUnreachable(inner, depth + 1));
}

/**
 * Whether the database is reachable, as the requests of this node last found it. An outage fails
 * every request until it ends: the first failure logs one warning, later ones are silent, and the
 * first success after it logs that the database is back. Requests answer 503 meanwhile
 * (problem.mapper.ts) without a stack in the log.
 */
export class DatabaseOutage {
  private readonly logger = new Logger('Database');
  private since: number | undefined;

  /** Whether an outage is going on. */
  get ongoing(): boolean {
    return this.since !== undefined;
  }

  /** A query or connection failed with `error`; an unreachable database starts an outage. Returns whether it did say so. */
  failed(error: unknown): boolean {
    if (!isDatabaseUnreachable(error)) return false;
    if (this.since === undefined) {
      this.since = Date.now();
      this.logger.warn({ msg: 'database unreachable', reason: reasonOf(error) });
    }
    return true;
  }

  /** A connection was made or a query answered: the outage, if any, is over. */
  succeeded(): void {
    if (this.since === undefined) return;
    const downMs = Date.now() - this.since;
    this.since = undefined;
    this.logger.log({ msg: 'database reachable again', downMs });
  }
}

/** The message and code of an error, without its stack: enough to tell a refused connection from a shutdown. */
function reasonOf(error: unknown): string {
  const { message, code } = error as ErrorLike;
  return [typeof code === 'string' ? code : undefined, typeof message === 'string' ? message : undefined].filter(Boolean).join(': ') || String(error);
}
