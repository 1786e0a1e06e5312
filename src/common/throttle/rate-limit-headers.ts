/** The throttlers of the global rate limit (CoreModule): every request, and the `auth` budget of login-like routes. */
export const THROTTLERS = { default: 'default', auth: 'auth' } as const;

/**
 * The response headers @nestjs/throttler sends: `X-RateLimit-Limit`, `-Remaining` and `-Reset`, with a
 * `-<name>` suffix for every throttler but `default` (X-RateLimit-Remaining-auth), and `Retry-After`
 * on a 429 (which the problem filter copies from `Retry-After-<name>`). Browsers let scripts read
 * only the ones CORS exposes.
 */
export const RATE_LIMIT_HEADERS: readonly string[] = [
  'retry-after',
  ...Object.values(THROTTLERS).flatMap((name) => {
    const suffix = name === THROTTLERS.default ? '' : `-${name}`;
    return ['limit', 'remaining', 'reset'].map((field) => `x-ratelimit-${field}${suffix}`);
  }),
];
