import { AppException } from '../errors/app.exception';
import { applyJsonPatch } from './json-patch';

function problemOf(run: () => unknown): AppException {
  try {
    run();
  } catch (err) {
    if (err instanceof AppException) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('applyJsonPatch', () => {
  const doc = { a: { b: [1, 2] }, c: 'x' };

  it('applies a patch to a copy', () => {
    expect(applyJsonPatch(doc, [{ op: 'move', from: '/c', path: '/a/c' }, { op: 'add', path: '/a/b/-', value: 3 }])).toEqual({ a: { b: [1, 2, 3], c: 'x' } });
    expect(doc).toEqual({ a: { b: [1, 2] }, c: 'x' });
  });

  it.each([
    [[{ op: 'add', path: '/__proto__/polluted', value: true }], '[0].path'],
    [[{ op: 'add', path: '/a/constructor/prototype/polluted', value: true }], '[0].path'],
    [[{ op: 'replace', path: '/c', value: 1 }, { op: 'replace', path: '/prototype', value: 1 }], '[1].path'],
    [[{ op: 'copy', from: '/__proto__', path: '/x' }], '[0].from'],
    [[{ op: 'move', from: '/a', path: '/a/b/0' }], '[0].path'],
  ])('refuses %j with a 400 naming %s, and changes nothing', (patch, field) => {
    const problem = problemOf(() => applyJsonPatch(doc, patch));
    expect(problem).toMatchObject({ status: 400, code: 'validation-failed', errors: [expect.objectContaining({ field })] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(doc).toEqual({ a: { b: [1, 2] }, c: 'x' });
  });

  it('still refuses the shape and the paths it cannot resolve', () => {
    expect(problemOf(() => applyJsonPatch(doc, [{ op: 'add', path: 'no-slash', value: 1 }]))).toMatchObject({ status: 400 });
    expect(problemOf(() => applyJsonPatch(doc, [{ op: 'remove', path: '/missing' }]))).toMatchObject({ status: 400 });
    expect(problemOf(() => applyJsonPatch(doc, { op: 'add' }))).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'body' })] });
  });
});
