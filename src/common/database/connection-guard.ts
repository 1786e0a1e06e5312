import pg from 'pg';

/**
 * Decides whether the calling code may take a connection from the pool now. Set once the
 * application's TransactionHost exists (DatabaseModule); until then every connection is allowed.
 */
export class ConnectionGuard {
  /** A reason to refuse the connection, or undefined to allow it. */
  refusal: () => string | undefined = () => undefined;

  /** The pool TypeORM opened through guardedPg (one per data source), once it exists. */
  pool: pg.Pool | undefined;
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

/**
 * The `pg` module with a Pool that asks `guard` before handing out a connection. TypeORM takes it
 * through its public `driver` option, so no TypeORM internals are touched.
 *
 * Why: a query that takes a second connection while its caller holds an open transaction cannot
 * see the transaction's uncommitted rows, and on the embedded PGlite database (one connection, one
 * transaction at a time) it waits for the transaction that waits for it: a deadlock. Refusing the
 * connection turns that bug into an immediate error.
 */
export function guardedPg(guard: ConnectionGuard): typeof pg {
  class GuardedPool extends pg.Pool {
    constructor(config?: pg.PoolConfig) {
      super(config);
      guard.pool = this;
    }

    override connect(): Promise<pg.PoolClient>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
      const refusal = guard.refusal();
      if (refusal !== undefined) {
        const error = new Error(refusal);
        if (!callback) return Promise.reject(error);
        process.nextTick(() => callback(error, undefined, () => undefined));
        return;
      }
      return callback ? super.connect(callback as Parameters<pg.Pool['connect']>[0]) : super.connect();
    }
  }
  // The pg module with its Pool replaced; everything else (types, defaults, the lazy `native`) stays pg's own.
  return Object.create(pg, { Pool: { value: GuardedPool, enumerable: true } }) as typeof pg;
}
