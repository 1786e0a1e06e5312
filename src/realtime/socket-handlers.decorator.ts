import { UseFilters, UseGuards, applyDecorators } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { WsAckExceptionFilter } from './ack';
import { SocketRateLimitGuard } from './rate-limit';

/**
 * Put on every gateway class of the `/rooms` namespace:
 * - errors (AppException, validation, rate limit, unexpected) answer the event's ack as `{ ok: false, error }`;
 * - every handler is rate limited per socket and event (`@RateLimitEvent(limit, perMs)` to size it);
 * - the HTTP throttler (a global guard that expects an HTTP reply) is skipped: sockets have their own limits.
 */
export const SocketHandlers = (): ClassDecorator =>
  applyDecorators(SkipThrottle({ default: true, auth: true }), UseFilters(WsAckExceptionFilter), UseGuards(SocketRateLimitGuard));
