import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseOutage } from '../database/database-outage';
import { loggablePath } from '../logging/loggable-path';
import { PROBLEM_CONTENT_TYPE } from './problem.dto';
import { toProblem } from './problem.mapper';

const logger = new Logger('Errors');

/**
 * Writes `error` to `reply` as problem+json; logs unexpected errors with the request id. An
 * unreachable database is reported to `outage` instead, which logs once for the whole outage (the
 * router's own errors, answered before the application exists, have none to report).
 */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, outage?: DatabaseOutage): void {
  const path = request.url.split('?')[0];
  const { body, headers, unexpected, databaseUnreachable } = toProblem(error, path, String(request.id));
  if (databaseUnreachable) outage?.failed(error);
  if (unexpected) {
    logger.error({ err: error, requestId: request.id, method: request.method, path: loggablePath(request) }, 'unexpected error');
  }
  if (reply.sent) return;
  if (body.status === 429 && reply.getHeader('retry-after') === undefined) {
    // @nestjs/throttler names the header of a named throttler `Retry-After-<name>`: clients know only Retry-After.
    const named = Object.entries(reply.getHeaders()).find(([name]) => name.toLowerCase().startsWith('retry-after-'));
    if (named) void reply.header('retry-after', String(named[1]));
  }
  void reply.status(body.status).headers(headers).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

/** The one global exception filter: every HTTP error leaves as RFC 9457 problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly outage: DatabaseOutage) {}

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.outage);
  }
}
