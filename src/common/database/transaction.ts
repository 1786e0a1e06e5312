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
 * Called before every query (TypeOrmLogger.logQuery): a query issued from inside
 * `transaction()` on another connection is a bug. It cannot see the transaction's
 * uncommitted rows, and on the embedded PGlite, which runs one transaction at a
 * time, it waits for the transaction that waits for it: a deadlock. Fail fast instead.
 */
export function assertOnTransactionConnection(runner: QueryRunner | undefined): void {
  const txRunner = current.getStore();
  if (txRunner && runner && runner !== txRunner && !txRunner.isReleased && txRunner.isTransactionActive) {
    throw new Error('A query ran outside the open transaction: use tx.manager for every query inside transaction()');
  }
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
