import { Module } from '@nestjs/common';
import { SocketRateLimitGuard } from './rate-limit';
import { RealtimeService } from './realtime.service';

/**
 * RealtimeService without the gateway, and with no imports: what a module that only
 * needs to reach live clients imports (users and auth, to drop the sockets of a
 * blocked user or a revoked session) without an import cycle through AuthModule.
 */
@Module({
  providers: [RealtimeService, SocketRateLimitGuard],
  exports: [RealtimeService, SocketRateLimitGuard],
})
export class RealtimeCoreModule {}
