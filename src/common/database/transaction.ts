import { Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A running transaction: its EntityManager, and work to do once it has committed. */
export interface Tx {
  readonly manager: EntityManager;
  /** Runs after COMMIT (never after a rollback): cache refreshes, broadcasts, e-mails. */
  afterCommit(fn: () => unknown): void;
}

const logger = new Logger('Transaction');

/**
 * Runs `fn` in one database transaction. Writes that belong together (a change
 * and its audit entry, a user and its role) share it; side effects that must
 * not happen on rollback are registered with `afterCommit`.
 */
export async function transaction<T>(dataSource: DataSource, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const hooks: Array<() => unknown> = [];
  const result = await dataSource.transaction((manager) => fn({ manager, afterCommit: (hook) => hooks.push(hook) }));
  for (const hook of hooks) {
    try {
      await hook();
    } catch (err) {
      logger.error({ err }, 'after-commit hook failed');
    }
  }
  return result;
}
