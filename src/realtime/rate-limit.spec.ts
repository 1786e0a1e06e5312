import { AppException } from '../common/errors/app.exception';
import { SocketRateLimiter, TokenBucket } from './rate-limit';

describe('TokenBucket', () => {
  it('allows a burst of `capacity`, then refills continuously', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 300, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.retryAfterMs()).toBe(100);
    now = 100;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now = 10_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('refuses a nonsensical size', () => {
    expect(() => new TokenBucket(0, 1000)).toThrow();
    expect(() => new TokenBucket(1, 0)).toThrow();
  });
});

describe('SocketRateLimiter', () => {
  it('keeps one bucket per socket and event and throws 429 too-many-requests', () => {
    let now = 0;
    const limiter = new SocketRateLimiter(() => now);
    const a = {};
    const b = {};
    const limit = { limit: 2, perMs: 1000 };
    limiter.consume(a, 'typing', limit);
    limiter.consume(a, 'typing', limit);
    let error: unknown;
    try {
      limiter.consume(a, 'typing', limit);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppException);
    expect(error).toMatchObject({ status: 429, code: 'too-many-requests', extensions: { retryAfterMs: 500 } });
    expect(() => limiter.consume(a, 'message:send', limit)).not.toThrow();
    expect(() => limiter.consume(b, 'typing', limit)).not.toThrow();
    now = 500;
    expect(() => limiter.consume(a, 'typing', limit)).not.toThrow();
  });
});
