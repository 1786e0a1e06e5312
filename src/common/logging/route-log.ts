import { Logger, LoggerService, LogLevel } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/**
 * Nest's own route lines name the controller's path with the global prefix even for the routes
 * excluded from it ("HealthController {/api/v1/health}" for /health/live): they are dropped, and
 * logServedRoutes() logs the paths Fastify actually serves instead.
 */
const NEST_ROUTE_MAPPING_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer']);

/** The application logger without Nest's route mapping lines (their warnings and errors still pass). */
export class WithoutNestRouteMapping implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params.at(-1);
    if (typeof context === 'string' && NEST_ROUTE_MAPPING_CONTEXTS.has(context)) return;
    this.inner.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.inner.fatal?.(message, ...params);
  }

  setLogLevels(levels: LogLevel[]): void {
    this.inner.setLogLevels?.(levels);
  }
}

/**
 * Logs every route as Fastify registers it (`GET /health/live`, `GET /api/v1/me`), from the
 * onRoute hook: the real path, whatever the global prefix and its exclusions. HEAD routes that
 * Fastify adds beside each GET are left out. Call it before any route is registered.
 */
export function logServedRoutes(fastify: FastifyInstance): void {
  const logger = new Logger('Routes');
  const gets = new Set<string>();
  fastify.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (methods.includes('GET')) gets.add(route.url);
    if (methods.length === 1 && methods[0] === 'HEAD' && gets.has(route.url)) return;
    logger.log(`${methods.join(',')} ${route.url}`);
  });
}
