import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { runMigrations } from './migrator';
import { installTransactionGuard } from './transaction';

@Module({})
export class DatabaseModule {
  /** TypeORM on `url`, with pending migrations applied first when DATABASE_MIGRATIONS_RUN is on. */
  static forRoot(config: AppConfig, url: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(config, url),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            installTransactionGuard(dataSource);
            if (config.env.DATABASE_MIGRATIONS_RUN) {
              const applied = await runMigrations(dataSource);
              if (applied.length > 0) {
                new Logger('Database').log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
              }
            }
            return dataSource;
          },
        }),
      ],
    };
  }
}
