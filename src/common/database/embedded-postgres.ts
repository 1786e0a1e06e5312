import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Connections an application should open to the embedded database (see startServer). */
export const EMBEDDED_POOL_SIZE = 1;

export interface EmbeddedPostgresOptions {
  /** A directory for the data files, or undefined for an in-memory database. */
  dataDir?: string;
  /** A tarball made by `PGlite.dumpDataDir()`: the database starts from this snapshot. */
  snapshot?: Blob;
  /** Concurrent client connections the socket multiplexer accepts. */
  maxConnections?: number;
}

/**
 * PostgreSQL in-process: PGlite (PostgreSQL compiled to WebAssembly) served on a
 * loopback TCP socket, so the application talks to it with the same `pg` driver,
 * SQL and migrations it uses against a PostgreSQL server.
 *
 * PGlite runs one query at a time; pglite-socket multiplexes connections and
 * keeps a transaction's statements together, so a small pool works.
 */
export class EmbeddedPostgres {
  private constructor(
    readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    readonly url: string,
    private readonly lockFile: string | undefined,
  ) {}

  static async start(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    let lockFile: string | undefined;
    let pgDir: string | undefined;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      pgDir = join(options.dataDir, 'pgdata');
      lockFile = join(options.dataDir, 'pgdata.lock');
      acquireLock(lockFile);
    }
    try {
      if (pgDir && !existsSync(pgDir)) {
        // The first start runs initdb, whose WebAssembly instance stays in memory for the life of
        // that PGlite (about 450 MiB more RSS). Initialise, close, and reopen as on any later start.
        await (await PGlite.create({ dataDir: pgDir, loadDataDir: options.snapshot })).close();
      }
      const db = await PGlite.create({
        dataDir: pgDir,
        loadDataDir: pgDir && existsSync(pgDir) ? undefined : options.snapshot,
      });
      const server = new PGLiteSocketServer({
        db,
        host: '127.0.0.1',
        port: 0,
        maxConnections: options.maxConnections ?? 32,
      });
      await server.start();
      const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
      return new EmbeddedPostgres(db, server, url, lockFile);
    } catch (err) {
      if (lockFile) rmSync(lockFile, { force: true });
      throw err;
    }
  }

  /** Closes the socket server and PGlite, which flushes the data directory. */
  async stop(): Promise<void> {
    try {
      await this.server.stop();
    } finally {
      try {
        if (!this.db.closed) await this.db.close();
      } finally {
        if (this.lockFile) rmSync(this.lockFile, { force: true });
      }
    }
  }
}

/** One process per data directory: two PGlite instances on the same files would corrupt them. */
function acquireLock(file: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(
          `The data directory is in use by process ${holder} (${file}). Stop that process or set DATA_DIR to another directory.`,
          { cause: err },
        );
      }
      rmSync(file, { force: true }); // stale lock of a process that is gone
    }
  }
  throw new Error(`Could not lock the data directory (${file}).`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
