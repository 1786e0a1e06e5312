import { AppException } from '../errors/app.exception';
import { MAX_JSON_DEPTH, assertJsonDepth, assertWellFormedText, exceedsJsonDepth, findIllFormedText } from './input-guards';

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

describe('findIllFormedText', () => {
  it('accepts any well-formed text, astral characters included', () => {
    expect(findIllFormedText({ name: 'Ada 💥 Lovelace', items: [{ 'ключ': 'значение' }], n: 1, none: null })).toBeUndefined();
  });

  it('names the first string or key holding a NUL or a lone surrogate by its dotted path', () => {
    expect(findIllFormedText({ name: 'a\u0000b' })).toBe('name');
    expect(findIllFormedText({ items: [{ name: 'ok' }, { name: 'x\uD800' }] })).toBe('items.1.name');
    expect(findIllFormedText({ a: { 'b\uDFFF': 1 } })).toBe('a.b\uFFFD');
    expect(findIllFormedText({ 'k\u0000': 'v' })).toBe('k\uFFFD');
    expect(findIllFormedText('\uDBFF')).toBe('');
    expect(findIllFormedText('💥'.slice(1))).toBe('');
  });
});

describe('assertWellFormedText', () => {
  it('is a 400 naming the field, under its root when given', () => {
    expect(() => assertWellFormedText({ text: '\u0000' })).toThrow(expect.objectContaining({ status: 400, errors: [expect.objectContaining({ field: 'text', code: 'wellFormedText' })] }));
    expect(() => assertWellFormedText({ text: '\u0000' }, 'payload')).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: 'payload.text' })] }));
    expect(() => assertWellFormedText('\uD800')).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field: 'body' })] }));
    expect(() => assertWellFormedText({ text: 'fine' })).not.toThrow();
  });
});
