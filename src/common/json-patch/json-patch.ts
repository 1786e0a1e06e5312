import { JsonPatchError, Operation, applyPatch, validate } from 'fast-json-patch';
import { AppException } from '../errors/app.exception';

/** The operations of RFC 6902. */
export const JSON_PATCH_OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;
export type JsonPatchOp = (typeof JSON_PATCH_OPS)[number];

/** The most operations one JSON Patch may carry, unless the caller says otherwise. */
export const JSON_PATCH_MAX_OPS = 100;

const OPERATION_FIELDS: ReadonlySet<string> = new Set(['op', 'path', 'value', 'from']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface JsonPatchOptions {
  /** At most this many operations (default JSON_PATCH_MAX_OPS). */
  maxOps?: number;
}

/**
 * Checks the shape of a JSON Patch body (RFC 6902) and applies it, with fast-json-patch, to a
 * copy of `doc`: all or nothing, `doc` itself is never changed. Bad operations and unresolvable
 * paths are a 400 naming the operation (`[i].path`, `[i].op`, or `body`); a failed `test` is a 422
 * `patch-test-failed`; a result that is not a JSON object is a 400.
 */
export function applyJsonPatch(doc: Record<string, unknown>, body: unknown, options: JsonPatchOptions = {}): Record<string, unknown> {
  const maxOps = options.maxOps ?? JSON_PATCH_MAX_OPS;
  if (!Array.isArray(body)) throw AppException.invalidField('body', 'the body must be a JSON Patch: an array of operations', 'isArray');
  if (body.length > maxOps) throw AppException.invalidField('body', `at most ${maxOps} operations`, 'tooMany');
  body.forEach((op: unknown, i) => {
    if (!isPlainObject(op)) throw AppException.invalidField(`[${i}]`, 'an operation must be an object', 'isObject');
    if (!JSON_PATCH_OPS.includes(op.op as JsonPatchOp)) throw AppException.invalidField(`[${i}].op`, `op must be one of ${JSON_PATCH_OPS.join(', ')}`, 'isIn');
    const unknown = Object.keys(op).find((k) => !OPERATION_FIELDS.has(k));
    if (unknown) throw AppException.invalidField(`[${i}].${unknown}`, `property ${unknown} should not exist`, 'whitelistValidation');
    assertSafePointers(op, i);
  });
  const ops = body as Operation[];
  const error = validate(ops, doc);
  if (error) throw patchProblem(error);
  let result: unknown;
  try {
    result = applyPatch(doc, ops, true, false).newDocument;
  } catch (err) {
    if (err instanceof JsonPatchError) throw patchProblem(err);
    throw err;
  }
  if (!isPlainObject(result)) throw AppException.invalidField('body', 'the patched data must stay a JSON object', 'isObject');
  return result;
}

/**
 * Pointer segments that name the prototype chain rather than data: fast-json-patch refuses to
 * write through them with a TypeError (a 500), and reading through them would copy what is no
 * document's content.
 */
const PROTOTYPE_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Segments of a JSON Pointer (RFC 6901), unescaped; undefined when `pointer` is not a string. */
function pointerSegments(pointer: unknown): string[] | undefined {
  if (typeof pointer !== 'string') return undefined;
  return pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A 400 for a pointer through the prototype chain, or a `move` into the value it moves (RFC 6902 4.4). */
function assertSafePointers(op: Record<string, unknown>, i: number): void {
  for (const field of ['path', 'from'] as const) {
    if (pointerSegments(op[field])?.some((segment) => PROTOTYPE_SEGMENTS.has(segment))) {
      throw AppException.invalidField(`[${i}].${field}`, `${field} must not name __proto__, constructor or prototype`, 'prototypePath');
    }
  }
  if (op.op === 'move' && typeof op.from === 'string' && typeof op.path === 'string' && op.path.startsWith(`${op.from}/`)) {
    throw AppException.invalidField(`[${i}].path`, 'a value cannot be moved into one of its own children', 'moveIntoItself');
  }
}

/** The `op` and `path` of each operation of a patch that applyJsonPatch accepted (for an audit entry: never the values). */
export function patchSummary(body: unknown): Array<{ op: string; path: string }> {
  if (!Array.isArray(body)) return [];
  return body.filter(isPlainObject).map((o) => ({ op: String(o.op), path: String(o.path) }));
}

function patchProblem(err: InstanceType<typeof JsonPatchError>): AppException {
  if (err.name === 'TEST_OPERATION_FAILED') return AppException.unprocessable(`Operation ${err.index ?? 0} (test) failed: nothing was changed.`, 'patch-test-failed');
  const field = err.index === undefined ? 'body' : `[${err.index}].${/FROM/.test(err.name) ? 'from' : /VALUE/.test(err.name) ? 'value' : /OP_INVALID/.test(err.name) ? 'op' : 'path'}`;
  return AppException.invalidField(field, err.message.split('\n')[0], err.name);
}
