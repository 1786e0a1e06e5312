import { DynamicModule, Global, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionGuard, guardedPg } from './connection-guard';
import { DatabaseOutage } from './database-outage';
import { dataSourceOptions } from './data-source-options';
import { runMigrations } from './migrator';
import { Transactions, TypeOrmTransactionHost } from './transactions';

export const OUTSIDE_TRANSACTION =
  'A query took a second connection while its caller holds an open transaction: run it inside the transaction (repositories do, through Transactions.manager)';

/** Arms the connection guard once the application's TransactionHost exists. */
@Injectable()
class ConnectionGuardInstaller implements OnModuleInit {
  constructor(
    private readonly guard: ConnectionGuard,
    private readonly host: TransactionHost,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const host = this.host as TypeOrmTransactionHost;
    const dataSource = this.dataSource;
    this.guard.refusal = () => {
      if (!host.isTransactionActive()) return undefined;
      const runner = host.tx.queryRunner;
      const open = host.tx.connection === dataSource && runner !== undefined && !runner.isReleased && runner.isTransactionActive;
      return open ? OUTSIDE_TRANSACTION : undefined;
    };
  }
}

/**
 * TypeORM on `url` (pending migrations applied first when DATABASE_MIGRATIONS_RUN is on), and
 * transactions in async context: `Transactions.run` opens one, repositories join it through
 * `Transactions.manager` (nestjs-cls with @nestjs-cls/transactional and its TypeORM adapter).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, url: string): DynamicModule {
    const guard = new ConnectionGuard();
    const outage = new DatabaseOutage();
    const logger = new Logger('Database');
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(config, url),
            driver: guardedPg(guard),
            // An idle connection that dies (the database restarted, the network cut) is the first sign of an
            // outage: one line for the outage rather than one per pooled connection.
            poolErrorHandler: (err: Error) => {
              if (!outage.failed(err)) logger.warn({ msg: 'idle database connection failed', err });
            },
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            // A new connection is the first sign that an outage is over: it ends it before the next request needs one.
            guard.pool?.on('connect', () => outage.succeeded());
            if (config.env.DATABASE_MIGRATIONS_RUN) {
              const applied = await runMigrations(dataSource);
              if (applied.length > 0) {
                new Logger('Database').log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
              }
            }
            return dataSource;
          },
        }),
        ClsModule.forRoot({
          global: true,
          // No per-request context is needed: a transaction opens its own.
          middleware: { mount: false },
          plugins: [
            new ClsPluginTransactional({
              imports: [TypeOrmModule],
              adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }),
            }),
          ],
        }),
      ],
      providers: [
        { provide: ConnectionGuard, useValue: guard },
        { provide: DatabaseOutage, useValue: outage },
        ConnectionGuardInstaller,
        Transactions,
      ],
      exports: [Transactions, DatabaseOutage],
    };
  }
}
