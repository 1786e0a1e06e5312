import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { ConnectionGuard } from './connection-guard';
import type { EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';

/** Where the current transaction lives: @nestjs-cls/transactional with its TypeORM adapter. */
export type TypeOrmTransactionHost = TransactionHost<TransactionalAdapterTypeOrm>;

type Hook = () => unknown;

/** The after-commit hooks of the transaction the current code runs in (a key of its CLS context). */
const AFTER_COMMIT = Symbol('after-commit hooks');

/**
 * Transactions that travel in async context. `run` opens one (or joins the caller's); every
 * repository query made meanwhile, through `manager`, runs inside it without an EntityManager
 * being passed around. Work that must happen only once the change is durable (broadcasts, cache
 * refreshes, mail) is registered with `afterCommit`; domain events do that by themselves
 * (DomainEvents.emit).
 *
 * The transaction is @nestjs-cls/transactional's (`TransactionHost`), injected per application:
 * its `@Transactional()` decorator reaches a process-wide singleton instead, which would pick the
 * wrong database when several applications run in one process (the tests do), so it is not used.
 */
@Injectable()
export class Transactions {
  private readonly logger = new Logger(Transactions.name);

  constructor(
    private readonly host: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cls: ClsService,
    private readonly guard: ConnectionGuard,
  ) {}

  /** The EntityManager of the open transaction, else the data source's: what repositories query through. */
  get manager(): EntityManager {
    return this.host.tx;
  }

  /** TypeORM's repository of `entity` on `manager`: inside the open transaction when there is one. */
  repository<E extends ObjectLiteral>(entity: EntityTarget<E>): Repository<E> {
    return this.host.tx.getRepository(entity);
  }

  /**
   * Runs one SQL statement and returns its rows: inside the open transaction when there is one,
   * else straight on the driver's pool, past TypeORM's query runner (for the statements every
   * request runs, such as authentication; repositories otherwise query through `manager`).
   */
  async query<R>(sql: string, parameters?: unknown[]): Promise<R[]> {
    const pool = this.guard.pool;
    if (pool === undefined || this.host.isTransactionActive()) return this.host.tx.query(sql, parameters);
    return (await pool.query(sql, parameters)).rows as R[];
  }

  /** Whether the calling code runs inside a transaction. */
  get active(): boolean {
    return this.host.isTransactionActive();
  }

  /**
   * Runs `fn` in a transaction: a new one, or the caller's when one is open (its writes then
   * commit or roll back with the caller's). After COMMIT of a new one, its after-commit hooks
   * run in order; a failing hook is logged and never undoes the commit or reaches the caller.
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.host.isTransactionActive()) return fn();
    const hooks: Hook[] = [];
    const result = await this.host.withTransaction(() => {
      this.cls.set(AFTER_COMMIT, hooks);
      return fn();
    });
    for (const hook of hooks) {
      try {
        await hook();
      } catch (err) {
        this.logger.error({ err }, 'after-commit hook failed');
      }
    }
    return result;
  }

  /**
   * Takes a PostgreSQL advisory lock held until the current transaction ends: concurrent callers
   * (on any node) with the same id wait for each other. Only inside `run`.
   */
  async advisoryLock(id: number): Promise<void> {
    if (!this.active) throw new Error('advisoryLock() outside a transaction would be released at once');
    await this.host.tx.query('SELECT pg_advisory_xact_lock($1)', [id]);
  }

  /**
   * Runs `hook` once the current transaction has committed (never after a rollback). Outside a
   * transaction there is nothing to wait for: it runs at once (its failure is logged).
   */
  afterCommit(hook: Hook): void {
    if (this.host.isTransactionActive()) {
      const hooks = this.cls.get<Hook[] | undefined>(AFTER_COMMIT);
      // A transaction opened past `run` (TransactionHost.withTransaction) has no hooks: a bug, not a case to guess at.
      if (!hooks) throw new Error('afterCommit() inside a transaction that Transactions.run() did not open');
      hooks.push(hook);
      return;
    }
    Promise.resolve()
      .then(hook)
      .catch((err: unknown) => this.logger.error({ err }, 'after-commit hook failed'));
  }
}
