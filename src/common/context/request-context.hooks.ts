import type { FastifyInstance } from 'fastify';
import { RequestContext, requestContext } from './request-context';

/**
 * Opens the request's context in a Fastify `onRequest` hook rather than in Nest middleware (which
 * runs through @fastify/middie and its path matching on every request). Everything after the hook
 * runs inside it: Fastify runs the body parser in an AsyncResource of the request, then Nest's
 * guards, pipes and handler. The guard adds the principal to it.
 */
export function installRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const ua = request.headers['user-agent'];
    const context: RequestContext = {
      requestId: request.id,
      ip: request.ip,
      userAgent: typeof ua === 'string' ? ua.slice(0, 512) : undefined,
    };
    requestContext.run(context, done);
  });
}
