import { UseFilters, UseGuards, applyDecorators } from '@nestjs/common';
import { WsAckExceptionFilter } from './ack';
import { SocketRateLimitGuard } from './rate-limit';

/**
 * On LiveGateway, hence on every gateway (put it nowhere else: the guard would count twice):
 * - errors (AppException, validation, rate limit, unexpected) answer the event's ack as `{ ok: false, error }`;
 * - every handler is rate limited per socket and event (`@RateLimitEvent(limit, perMs)` to size it).
 * The HTTP rate limit (a global guard) lets socket events through: they have their own limits.
 */
export const SocketHandlers = (): ClassDecorator => applyDecorators(UseFilters(WsAckExceptionFilter), UseGuards(SocketRateLimitGuard));
