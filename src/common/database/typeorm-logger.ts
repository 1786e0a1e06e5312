import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'typeorm';

/** Routes TypeORM's slow-query, schema and migration messages to the application logger. */
export class TypeOrmLogger implements Logger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {
    // Every query at debug level would flood the log; slow ones are logged below.
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.debug({ msg: 'query failed', error: error instanceof Error ? error.message : error, query });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'slow query', durationMs: time, query: query.slice(0, 2000) });
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(message);
    else this.logger.debug(message);
  }
}
