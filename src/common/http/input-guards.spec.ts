import { AppException } from '../errors/app.exception';
import { MAX_JSON_DEPTH, assertJsonDepth, exceedsJsonDepth } from './input-guards';

const nested = (levels: number, leaf: unknown = 1): unknown => {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
};

describe('exceedsJsonDepth', () => {
  it('counts each object and array as a level, scalars as none', () => {
    expect(exceedsJsonDepth('text', 0)).toBe(false);
    expect(exceedsJsonDepth({}, 0)).toBe(true);
    expect(exceedsJsonDepth({ a: [1, { b: null }] }, 3)).toBe(false);
    expect(exceedsJsonDepth({ a: [1, { b: {} }] }, 3)).toBe(true);
  });

  it('accepts MAX_JSON_DEPTH levels and refuses one more', () => {
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('walks a value far deeper than the call stack allows', () => {
    expect(exceedsJsonDepth(nested(1_000_000))).toBe(true);
  });
});

describe('assertJsonDepth', () => {
  it('is a 400 naming the field', () => {
    let error: unknown;
    try {
      assertJsonDepth(nested(100), 'payload');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppException);
    expect(error).toMatchObject({ status: 400, code: 'validation-failed', errors: [{ field: 'payload', code: 'maxDepth' }] });
  });
});
