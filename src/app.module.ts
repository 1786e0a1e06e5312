import { DynamicModule, Module, Type } from '@nestjs/common';
import { AppConfig } from './common/config/app-config';
import { CoreModule } from './common/core.module';

/** The whole application: the shared core plus every domain module. */
@Module({})
export class AppModule {
  /** `extra` adds modules (test fixtures) after the domain modules. */
  static forRoot(config: AppConfig, databaseUrl: string, extra: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, databaseUrl), ...extra],
    };
  }
}
