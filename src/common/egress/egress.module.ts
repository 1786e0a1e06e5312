import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { EgressGuard } from './egress-guard';
import { EgressPolicy } from './egress-policy';

/** The egress guard, configured from EGRESS_ALLOW, EGRESS_MAX_RESPONSE_BYTES and EGRESS_TIMEOUT_MS. */
@Global()
@Module({
  providers: [
    {
      provide: EgressGuard,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new EgressGuard(new EgressPolicy(config.env.EGRESS_ALLOW), {
          maxResponseBytes: config.env.EGRESS_MAX_RESPONSE_BYTES,
          timeoutMs: config.env.EGRESS_TIMEOUT_MS,
          maxRedirects: 5,
        }),
    },
  ],
  exports: [EgressGuard],
})
export class EgressModule {}
