import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Gauge } from 'prom-client';
import { AuthenticatorService } from '../auth/authenticator.service';
import { MetricsService } from '../common/metrics/metrics.service';
import { ok, parsePayload } from './ack';
import type { Ack, PongData, RoomsNamespace, RoomsSocket } from './events';
import { RateLimitEvent } from './rate-limit';
import { ROOMS_NAMESPACE } from './realtime.constants';
import { RealtimeService } from './realtime.service';
import { socketAuthMiddleware } from './socket-auth';
import { SocketHandlers } from './socket-handlers.decorator';

export class PingDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  nonce?: string;
}

/**
 * The `/rooms` namespace's base gateway: prepares the namespace (handshake
 * authentication, per-user and per-session rooms) and answers `ping`. Room events
 * live in the rooms module's own gateway on the same namespace.
 */
@WebSocketGateway({ namespace: ROOMS_NAMESPACE })
@SocketHandlers()
export class RealtimeGateway implements OnGatewayInit<RoomsNamespace> {
  private readonly logger = new Logger('SocketAuth');

  constructor(
    private readonly realtime: RealtimeService,
    private readonly authenticator: AuthenticatorService,
    private readonly metrics: MetricsService,
  ) {}

  afterInit(namespace: RoomsNamespace): void {
    this.realtime.attach(namespace, socketAuthMiddleware(this.authenticator, this.logger));
    const realtime = this.realtime;
    new Gauge({
      name: 'socketio_connected_sockets',
      help: 'Sockets connected to this node on the /rooms namespace.',
      registers: [this.metrics.registry],
      collect() {
        this.set(namespace.sockets.size);
      },
    });
    new Gauge({
      name: 'socketio_cluster_nodes',
      help: 'Nodes of the Socket.IO cluster (this one included) at the last count; 1 without REDIS_URL.',
      registers: [this.metrics.registry],
      collect() {
        this.set(realtime.clusterNodes);
      },
    });
  }

  /** `ping [payload] -> { ok: true, data: { pong: true, userId, nonce? } }`: checks the connection and who it is. */
  @SubscribeMessage('ping')
  @RateLimitEvent(10, 1000)
  async ping(@ConnectedSocket() socket: RoomsSocket, @MessageBody() payload: unknown): Promise<Ack<PongData>> {
    const { nonce } = await parsePayload(PingDto, payload, { optional: true });
    return ok({ pong: true, userId: socket.data.principal.userId, ...(nonce !== undefined && { nonce }) });
  }
}
