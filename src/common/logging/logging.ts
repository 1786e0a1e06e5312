import type { Params } from 'nestjs-pino';
import type { DestinationStream, LoggerOptions as Options } from 'pino';
import { AppConfig } from '../config/app-config';
import { requestContext } from '../context/request-context';
import { REDACTED } from './loggable-path';

/**
 * Header names and fields that never reach a log line, wherever a logged object carries them (one
 * level down: `req.headers.authorization`, `body.password`, `{ err: { headers } }`). URLs are logged
 * as paths without their query strings (loggablePath).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers["proxy-authorization"]',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  '*.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.idToken',
  '*.refresh_token',
  '*.access_token',
  '*.id_token',
  '*.token',
  '*.key',
  '*.apiKey',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.codeVerifier',
  '*.code_verifier',
  '*.streamKey',
];

/**
 * `destination`: where the JSON lines go instead of stdout (an embedding application's stream).
 *
 * nestjs-pino gives the application its logger (Nest's Logger, PinoLogger) and no HTTP middleware:
 * the request line is written by installRequestLog, and every line logged while serving a request
 * carries its id through the mixin, read from the request context.
 */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
  const options: Options = {
    level: config.env.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    mixin: () => {
      const { requestId } = requestContext.get();
      return requestId ? { requestId } : {};
    },
    transport: config.logPretty && !destination ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
  };
  return { forRoutes: [], pinoHttp: destination ? [options, destination] : options };
}
