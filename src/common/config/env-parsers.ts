/**
 * Parsers for environment variables. Each returns the parsed value or throws
 * a `TypeError` whose message completes the sentence "<NAME> must be ...".
 */
export type EnvParser<T> = (raw: string) => T;

export const str =
  (opts: { min?: number; pattern?: RegExp; hint?: string } = {}): EnvParser<string> =>
  (raw) => {
    if (opts.min !== undefined && raw.length < opts.min) {
      throw new TypeError(`at least ${opts.min} characters long`);
    }
    if (opts.pattern && !opts.pattern.test(raw)) {
      throw new TypeError(opts.hint ?? `a string matching ${String(opts.pattern)}`);
    }
    return raw;
  };

export const int =
  (min: number, max: number): EnvParser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new TypeError(`an integer between ${min} and ${max}`);
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new TypeError(`an integer between ${min} and ${max}`);
    }
    return value;
  };

export const bool: EnvParser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new TypeError('one of true, false, 1, 0, yes, no, on, off');
};

export const oneOf =
  <const T extends string>(values: readonly T[]): EnvParser<T> =>
  (raw) => {
    const v = raw.trim().toLowerCase() as T;
    if (!values.includes(v)) throw new TypeError(`one of ${values.join(', ')}`);
    return v;
  };

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** A byte size such as `1048576`, `512kb` or `10mb`. */
export const byteSize =
  (min: number, max: number): EnvParser<number> =>
  (raw) => {
    const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
    const value = m ? Number(m[1]) * SIZE_UNITS[(m[2] ?? '').toLowerCase()] : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new TypeError(`a size between ${min} and ${max} bytes, such as 1048576, 512kb or 10mb`);
    }
    return value;
  };

/** A URL whose protocol is one of `protocols`. */
export const url =
  (protocols: readonly string[]): EnvParser<string> =>
  (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new TypeError(`a URL (${protocols.map((p) => `${p}//...`).join(' or ')})`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new TypeError(`a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    }
    return raw;
  };

/** A comma-separated list; each item goes through `item`. */
export const list =
  <T>(item: EnvParser<T>): EnvParser<T[]> =>
  (raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .map(item);
