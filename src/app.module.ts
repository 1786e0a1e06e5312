import { DynamicModule, Module, Type } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { AppConfig } from './common/config/app-config';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CoreModule } from './common/core.module';
import { MailModule } from './mail/mail.module';
import { RoomsModule } from './rooms/rooms.module';
import { RealtimeModule } from './realtime/realtime.module';
import { TenantsModule } from './tenants/tenants.module';
import { UsersModule } from './users/users.module';

/** The whole application: the shared core plus every domain module. */
@Module({})
export class AppModule {
  /** `extra` adds modules (test fixtures) after the domain modules; `logDestination` takes the log lines instead of stdout. */
  static forRoot(config: AppConfig, databaseUrl: string, extra: Array<Type | DynamicModule> = [], logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, databaseUrl, logDestination), MailModule, AuditModule, AccessModule, TenantsModule, UsersModule, AuthModule, RealtimeModule, RoomsModule, ...extra],
    };
  }
}
