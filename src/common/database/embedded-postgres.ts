import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { extractTarball } from './tarball';

/** Connections an application should open to the embedded database (see startServer). */
export const EMBEDDED_POOL_SIZE = 1;

/**
 * PostgreSQL's start-up options, PGlite's defaults plus a smaller buffer cache. PGlite's initdb sets
 * shared_buffers to 128MB and PostgreSQL touches all of it at start, so it counts in the RSS
 * whatever the database's size; 16MB holds this application's working set and saves about 120 MiB
 * (docs/benchmarks.md).
 * Not written to postgresql.conf: every start passes it.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/** How the data directory came to be: found on disk, loaded from a snapshot, or made by initdb. */
export type EmbeddedOrigin = 'existing' | 'snapshot' | 'initdb';

export interface EmbeddedPostgresOptions {
  /** A directory for the data files, or undefined for an in-memory database. */
  dataDir?: string;
  /** A tarball made by `PGlite.dumpDataDir()`: a database with no data yet starts from this snapshot (not initdb). */
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
    readonly origin: EmbeddedOrigin,
    private readonly lockFile: string | undefined,
  ) {}

  /** Whether `dataDir` already holds a database (a later start) rather than nothing yet (the first). */
  static hasData(dataDir: string): boolean {
    return existsSync(join(dataDir, 'pgdata'));
  }

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
      const origin: EmbeddedOrigin = pgDir && existsSync(pgDir) ? 'existing' : options.snapshot ? 'snapshot' : 'initdb';
      if (pgDir && origin === 'initdb') {
        // initdb's WebAssembly instance stays in memory for the life of the PGlite that ran it
        // (about 450 MiB more RSS). Initialise, close, and reopen as on any later start.
        await (await PGlite.create({ dataDir: pgDir, startParams: START_PARAMS })).close();
      }
      if (pgDir && origin === 'snapshot') await restoreSnapshot(options.snapshot!, pgDir);
      const db = await PGlite.create({
        dataDir: pgDir,
        // In memory, PGlite loads the snapshot itself; a data directory was restored above.
        loadDataDir: !pgDir && origin === 'snapshot' ? options.snapshot : undefined,
        startParams: START_PARAMS,
      });
      const server = new PGLiteSocketServer({
        db,
        host: '127.0.0.1',
        port: 0,
        maxConnections: options.maxConnections ?? 32,
      });
      await server.start();
      const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
      return new EmbeddedPostgres(db, server, url, origin, lockFile);
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

/**
 * Writes the snapshot's files to `pgDir`, which PGlite then opens as on any later start. They go to
 * a temporary directory first: a start interrupted half-way leaves no half-written data directory
 * that the next start would take for a database.
 */
async function restoreSnapshot(snapshot: Blob, pgDir: string): Promise<void> {
  const partial = `${pgDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  await extractTarball(new Uint8Array(await snapshot.arrayBuffer()), partial);
  renameSync(partial, pgDir);
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
