import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppException } from '../common/errors/app.exception';

/** A token bucket: `capacity` tokens, refilled continuously at `capacity / perMs`. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly perMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(capacity >= 1) || !(perMs > 0)) throw new Error('a token bucket needs capacity >= 1 and perMs > 0');
    this.tokens = capacity;
    this.updatedAt = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token is available (0 when one is). */
  retryAfterMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * this.perMs) / this.capacity);
  }

  private refill(): void {
    const at = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((at - this.updatedAt) * this.capacity) / this.perMs);
    this.updatedAt = at;
  }
}

export interface SocketRateLimit {
  /** Events allowed in a burst. */
  limit: number;
  /** ...refilled over this many milliseconds. */
  perMs: number;
}

/** Applied to every event without its own limit: 20 per second, bursts of 20. */
export const DEFAULT_SOCKET_RATE_LIMIT: SocketRateLimit = { limit: 20, perMs: 1000 };

/** Per-socket, per-event buckets, in process (a socket lives on one node). Forgotten with the socket. */
export class SocketRateLimiter {
  private readonly buckets = new WeakMap<object, Map<string, TokenBucket>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one token for `event` on `socket`; throws AppException 429 `too-many-requests` when none is left. */
  consume(socket: object, event: string, limit: SocketRateLimit = DEFAULT_SOCKET_RATE_LIMIT): void {
    let perSocket = this.buckets.get(socket);
    if (!perSocket) this.buckets.set(socket, (perSocket = new Map()));
    let bucket = perSocket.get(event);
    if (!bucket) perSocket.set(event, (bucket = new TokenBucket(limit.limit, limit.perMs, this.now)));
    if (bucket.take()) return;
    const retryAfterMs = bucket.retryAfterMs();
    throw new AppException(429, 'too-many-requests', {
      detail: `Too many "${event}" events; retry in ${retryAfterMs} ms.`,
      extensions: { retryAfterMs },
    });
  }
}

export const SOCKET_RATE_LIMIT = 'realtime:socket-rate-limit';

/** The rate limit of one gateway handler (or of every handler of a gateway class). */
export const RateLimitEvent = (limit: number, perMs: number): MethodDecorator & ClassDecorator =>
  SetMetadata(SOCKET_RATE_LIMIT, { limit, perMs } satisfies SocketRateLimit);

/**
 * Guard for gateway handlers: one bucket per socket and event, sized by `@RateLimitEvent`
 * on the handler or its class, else DEFAULT_SOCKET_RATE_LIMIT. An exceeded limit throws
 * 429, which WsAckExceptionFilter answers as `{ ok: false, error: { status: 429, ... } }`;
 * the socket stays connected.
 */
@Injectable()
export class SocketRateLimitGuard implements CanActivate {
  private readonly limiter = new SocketRateLimiter();

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'ws') return true;
    const limit =
      this.reflector.getAllAndOverride<SocketRateLimit | undefined>(SOCKET_RATE_LIMIT, [context.getHandler(), context.getClass()]) ??
      DEFAULT_SOCKET_RATE_LIMIT;
    const socket = context.switchToWs().getClient<object>();
    const event = context.switchToWs().getPattern();
    this.limiter.consume(socket, event, limit);
    return true;
  }
}
