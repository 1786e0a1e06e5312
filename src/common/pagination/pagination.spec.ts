import { AppException } from '../errors/app.exception';
import { decodeCursor, encodeCursor, toPage } from './pagination';

const isKey = (v: Record<string, unknown>): v is { t: string; id: string } => typeof v.t === 'string' && typeof v.id === 'string';

describe('cursor pagination', () => {
  it('round-trips a cursor', () => {
    const cursor = encodeCursor({ t: '2026-01-01T00:00:00.000Z', id: 'a' });
    expect(decodeCursor(cursor, isKey)).toEqual({ t: '2026-01-01T00:00:00.000Z', id: 'a' });
  });

  it('rejects a forged or garbled cursor as a 400 on the cursor field', () => {
    for (const bad of ['%%%', encodeCursor({ x: 1 }), Buffer.from('null').toString('base64url')]) {
      let error: unknown;
      try {
        decodeCursor(bad, isKey);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(AppException);
      expect((error as AppException).errors?.[0].field).toBe('cursor');
    }
  });

  it('uses the extra row only to decide whether there is a next page', () => {
    const rows = [1, 2, 3].map((n) => ({ n }));
    expect(toPage(rows, 2, (r) => r.n, (r) => ({ n: r.n }))).toEqual({ items: [1, 2], nextCursor: encodeCursor({ n: 2 }) });
    expect(toPage(rows, 3, (r) => r.n, (r) => ({ n: r.n }))).toEqual({ items: [1, 2, 3], nextCursor: null });
  });
});
