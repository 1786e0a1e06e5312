import { isRfc3339, parseRfc3339 } from './rfc3339';

describe('parseRfc3339', () => {
  it('reads RFC 3339 date-times with Z or an offset and up to nanoseconds', () => {
    expect(parseRfc3339('2024-05-01T12:00:00Z')?.toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(parseRfc3339('2024-05-01T14:00:00.123+02:00')?.toISOString()).toBe('2024-05-01T12:00:00.123Z');
    expect(parseRfc3339('2024-02-29T00:00:00.123456789z')?.toISOString()).toBe('2024-02-29T00:00:00.123Z');
    expect(parseRfc3339('0001-01-01T00:00:00Z')?.getUTCFullYear()).toBe(1);
    expect(parseRfc3339('9999-12-31T23:59:59Z')?.getUTCFullYear()).toBe(9999);
  });

  it.each([
    '12345',
    '0',
    '2024-05-01',
    '2024-05-01 12:00:00Z',
    '0000-01-01T00:00:00Z',
    '+010000-01-01T00:00:00.000Z',
    '10000-01-01T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '2024-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:60:00Z',
    '2024-05-01T12:00:60Z',
    '2024-05-01T12:00:00+24:00',
    '2024-05-01T12:00:00',
    'Wed, 01 May 2024 12:00:00 GMT',
  ])('refuses %s', (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
    expect(isRfc3339(text)).toBe(false);
  });
});
