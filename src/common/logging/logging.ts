import type { Params } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { requestContext } from '../context/request-context';

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

/**
 * nestjs-pino gives the application its logger (Nest's Logger, PinoLogger) and no HTTP middleware:
 * the request line is written by installRequestLog, and every line logged while serving a request
 * carries its id through the mixin, read from the request context.
 */
export function loggerParams(config: AppConfig): Params {
  return {
    forRoutes: [],
    pinoHttp: {
      level: config.env.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const { requestId } = requestContext.get();
        return requestId ? { requestId } : {};
      },
      transport: config.logPretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
    },
  };
}
