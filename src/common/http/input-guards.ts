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
 * NUL, which PostgreSQL cannot store in text or jsonb, and a UTF-16 surrogate without its pair,
 * which is no character at all (UTF-8 cannot encode it: PostgreSQL refuses it, other clients
 * choke on it).
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const ILL_FORMED = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The dotted path of the first key or string in `value` holding a NUL or a lone surrogate (`''`: `value` itself). */
export function findIllFormedText(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (ILL_FORMED.test(current)) return path;
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    for (const [key, child] of Object.entries(current)) {
      const childPath = path ? `${path}.${printable(key)}` : printable(key);
      if (ILL_FORMED.test(key)) return childPath;
      stack.push({ value: child, path: childPath });
    }
  }
  return undefined;
}

/** A key as it can be named in a problem: the characters it may not hold replaced by U+FFFD. */
const printable = (key: string): string => key.replace(new RegExp(ILL_FORMED.source, 'g'), '\uFFFD');

/** A 400 naming the field (under `root` when `value` is not a whole object of fields) that holds a NUL or a lone surrogate. */
export function assertWellFormedText(value: unknown, root?: string): void {
  const path = findIllFormedText(value);
  if (path === undefined) return;
  const field = [root, path].filter(Boolean).join('.') || 'body';
  throw AppException.invalidField(field, `${field} must not contain NUL characters or unpaired UTF-16 surrogates`, 'wellFormedText');
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
      // Path and query parameters are named as they are; body fields by their dotted path.
      assertWellFormedText(request.params);
      assertWellFormedText(request.query);
      assertWellFormedText(request.body);
      done();
    } catch (err) {
      done(err as Error);
    }
  });
}
