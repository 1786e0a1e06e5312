import type { FastifyInstance } from 'fastify';
import { AppException } from '../errors/app.exception';

/**
 * The deepest nesting of objects and arrays a JSON body (or socket payload) may have. Far above
 * anything the API's documents need, far below what overflows the stack of the recursive walkers
 * the body goes through after parsing (class-transformer, class-validator, JSON Patch).
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests objects and arrays more than `limit` levels deep; walked without recursion. */
export function exceedsJsonDepth(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** A 400 naming `field` when `value` is nested deeper than MAX_JSON_DEPTH. */
export function assertJsonDepth(value: unknown, field = 'body'): void {
  if (exceedsJsonDepth(value)) {
    throw AppException.invalidField(field, `${field} must not nest objects and arrays more than ${MAX_JSON_DEPTH} levels deep`, 'maxDepth');
  }
}

/**
 * Checks every parsed request before Nest's guards, pipes and handler see it, in a `preValidation`
 * hook (after the body parser, before the route's handler): what is refused here never reaches a
 * service. A refusal leaves through the problem filter like any error.
 */
export function installInputGuards(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    try {
      assertJsonDepth(request.body);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
}
