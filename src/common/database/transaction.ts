import { Logger } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** A running transaction: its EntityManager, and work to do once it has committed. */
export interface Tx {
  readonly manager: EntityManager;
  /** Runs after COMMIT (never after a rollback): cache refreshes, broadcasts, e-mails. */
  afterCommit(fn: () => unknown): void;
}

const logger = new Logger('Transaction');

/** The query runner of the transaction the current code runs in (see `assertOnTransactionConnection`). */
const current = new AsyncLocalStorage<QueryRunner>();

/**
 * Makes `dataSource` refuse to take a second connection from inside
 * `transaction()`. Such a query is a bug: it cannot see the transaction's
 * uncommitted rows, and on the embedded PGlite, which runs one transaction at a
 * time, it waits for the transaction that waits for it: a deadlock. Fail fast instead.
 */
export function installTransactionGuard(dataSource: DataSource): void {
  const driver = dataSource.driver as unknown as { obtainMasterConnection(): Promise<unknown> };
  const obtain = driver.obtainMasterConnection.bind(driver);
  driver.obtainMasterConnection = () => {
    const txRunner = current.getStore();
    if (txRunner && !txRunner.isReleased && txRunner.isTransactionActive) {
      return Promise.reject(new Error('A query ran outside the open transaction: use tx.manager for every query inside transaction()'));
    }
    return obtain();
  };
}

/**
 * Runs `fn` in one database transaction. Writes that belong together (a change
 * and its audit entry, a user and its role) share it; side effects that must
 * not happen on rollback are registered with `afterCommit`.
 */
export async function transaction<T>(dataSource: DataSource, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const hooks: Array<() => unknown> = [];
  const result = await dataSource.transaction((manager) =>
    current.run(manager.queryRunner!, () => fn({ manager, afterCommit: (hook) => hooks.push(hook) })),
  );
  for (const hook of hooks) {
    try {
      await hook();
    } catch (err) {
      logger.error({ err }, 'after-commit hook failed');
    }
  }
  return result;
}
