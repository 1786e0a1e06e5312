import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../common/metrics/metrics.module';
import { SocketRateLimitGuard } from './rate-limit';
import { RealtimeService } from './realtime.service';
import { SessionEvictionListener } from './session-eviction.listener';

/**
 * The Socket.IO transport (docs/realtime.md): every gateway's namespace, authenticated at the
 * handshake; the identity channels; per-socket rate limits; acknowledgements; sockets dropped when
 * their credentials stop being valid (from domain events). The Socket.IO server itself is
 * SocketIoAdapter, installed by createApp. Domain modules import this module for RealtimeService
 * and declare their own gateways (extending LiveGateway) and events.
 */
@Module({
  imports: [AuthModule, MetricsModule],
  providers: [RealtimeService, SocketRateLimitGuard, SessionEvictionListener],
  exports: [RealtimeService, SocketRateLimitGuard],
})
export class RealtimeModule {}
