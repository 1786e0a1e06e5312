import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

/** Header names and body fields that never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.clientSecret',
  '*.streamKey',
];

const QUIET_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

export function loggerParams(config: AppConfig): Params {
  return {
    // One wildcard: Nest adds the routes excluded from the global prefix itself (health, metrics).
    forRoutes: [{ path: '*splat', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.env.LOG_LEVEL,
      // Fastify assigned the id (taken from x-request-id or made) before this runs.
      genReqId: (req: IncomingMessage) => String(req.headers['x-request-id']),
      customAttributeKeys: { reqId: 'requestId' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Middleware sees a path relative to its mount point: the original URL is the one to test.
      autoLogging: {
        ignore: (req: IncomingMessage & { originalUrl?: string }) => QUIET_ROUTES.has((req.originalUrl ?? req.url ?? '').split('?')[0]),
      },
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string; headers: Record<string, unknown> }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
          userAgent: req.headers['user-agent'],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      transport: config.logPretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
    },
  };
}
