import { isIP } from 'node:net';

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

/** What TRUST_PROXY gives Fastify's `trustProxy`: all proxies, none, or the proxies' addresses. */
export type TrustProxy = boolean | string[];

const TRUST_PROXY_HINT = 'true, false, or comma-separated IP addresses or CIDR ranges of the proxies (10.0.0.2, 10.0.0.0/8)';

/** An IPv4 or IPv6 address, optionally with a /prefix length that fits it. */
function isAddressOrCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: `true` / `false` (and the other words of `bool`), or a list of proxy addresses/CIDRs.
 *
 * A hop count is refused, not passed on: Fastify 5 no longer honours one (a number trusts nothing,
 * silently), because a hop count cannot tell the proxy from a client that reaches the node directly
 * and forges X-Forwarded-For. `1` and `0` therefore get this error too rather than their old meaning
 * as booleans, which an operator would read as a hop count.
 */
export const trustProxy: EnvParser<TrustProxy> = (raw) => {
  const value = raw.trim();
  if (/^\d+$/.test(value)) {
    throw new TypeError(`${TRUST_PROXY_HINT}; a number of hops is not supported, as it cannot tell the proxy from a client that connects directly`);
  }
  if (/^(true|false|yes|no|on|off)$/i.test(value)) return bool(value);
  const addresses = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (addresses.length === 0 || !addresses.every(isAddressOrCidr)) throw new TypeError(TRUST_PROXY_HINT);
  return addresses;
};
