/** Why the egress guard stopped a server-side request. */
export type EgressFailure =
  /** The URL is not http(s), or a redirect's Location is not a URL. */
  | 'bad-url'
  /** Every address the host resolves to is refused (loopback, private, link-local, metadata, ...). */
  | 'forbidden-address'
  /** The host name does not resolve. */
  | 'unresolvable'
  | 'too-many-redirects'
  | 'response-too-large'
  | 'timeout';

/**
 * A request the egress guard refused or cut off. Callers map it to their own problem (the OIDC login:
 * `egress-refused`, `upstream-response-too-large`, or its `oidc-unavailable` for timeouts); the
 * message names the URL's origin and the reason, never a query string.
 */
export class EgressError extends Error {
  constructor(
    readonly failure: EgressFailure,
    message: string,
  ) {
    super(message);
    this.name = 'EgressError';
  }

  /** The EgressError in `err` or its chain of causes (fetch wraps connector errors in `TypeError: fetch failed`). */
  static find(err: unknown): EgressError | null {
    for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
      if (e instanceof EgressError) return e;
    }
    return null;
  }
}
