import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../common/metrics/metrics.module';
import { RealtimeCoreModule } from './realtime-core.module';
import { RealtimeGateway } from './realtime.gateway';

/**
 * Socket.IO foundation: the `/rooms` namespace with handshake authentication, typed
 * server -> client events, acknowledgements, per-socket rate limits, and RealtimeService
 * (re-exported from RealtimeCoreModule) to reach live clients, across nodes with
 * REDIS_URL. The Socket.IO server itself is SocketIoAdapter, installed by createApp.
 */
@Module({
  imports: [RealtimeCoreModule, AuthModule, MetricsModule],
  providers: [RealtimeGateway],
  exports: [RealtimeCoreModule],
})
export class RealtimeModule {}
