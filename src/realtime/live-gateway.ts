import { ConnectedSocket, MessageBody, SubscribeMessage } from '@nestjs/websockets';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { AuthenticatedEvent } from '../common/auth/auth.decorators';
import { ok, parsePayload } from './ack';
import { RateLimitEvent } from './rate-limit';
import { SocketHandlers } from './socket-handlers.decorator';
import type { Ack, LiveSocket, PingPayload, PongData } from './socket.types';

export class PingDto implements PingPayload {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  nonce?: string;
}

/**
 * What every gateway extends: acknowledgements for errors and per-socket rate limits on each handler
 * (`@SocketHandlers()`, inherited), and the `ping` event, so that every namespace answers it. A
 * gateway is `@WebSocketGateway({ namespace })` extending this class; its handshake is authenticated
 * by the transport (RealtimeService), and each of its handlers declares what it needs
 * (`@AuthorizeEvent(object, action)` or `@AuthenticatedEvent()`) or is refused.
 */
@SocketHandlers()
export abstract class LiveGateway {
  /** `ping [payload] -> { ok: true, data: { pong: true, userId, nonce? } }`: checks the connection and who it is. */
  @SubscribeMessage('ping')
  @AuthenticatedEvent()
  @RateLimitEvent(10, 1000)
  async ping(@ConnectedSocket() socket: LiveSocket, @MessageBody() payload: unknown): Promise<Ack<PongData>> {
    const { nonce } = await parsePayload(PingDto, payload, { optional: true });
    return ok({ pong: true, userId: socket.data.principal.userId, ...(nonce !== undefined && { nonce }) });
  }
}
