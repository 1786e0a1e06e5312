import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loggablePath } from './loggable-path';

/** Probes and scrapes, which would otherwise fill the log. */
const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * One line per answered request, written from Fastify's `onResponse` hook through the root logger:
 * method, path (without the query string, secret path parameters redacted: loggablePath), status,
 * duration in ms, client address and user agent, request id (which ties it to the lines logged while serving it).
 * 5xx answers are logged as errors, 4xx as warnings, the rest at info.
 *
 * It takes the place of pino-http, whose middleware builds a child logger and hooks the response
 * of every request to write the same line.
 */
export function installRequestLog(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = loggablePath(request);
    if (!QUIET_ROUTES.has(path)) {
      const status = reply.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (logger.isLevelEnabled(level)) {
        logger[level](
          {
            requestId: request.id,
            method: request.method,
            path,
            statusCode: status,
            responseTime: Math.round(reply.elapsedTime),
            ip: request.ip,
            userAgent: request.headers['user-agent'],
          },
          'request completed',
        );
      }
    }
    done();
  });
}
