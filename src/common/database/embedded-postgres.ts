import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Logger } from '@nestjs/common';
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePrivateTree } from '../fs/private-files';
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

/**
 * The port in the socket's file name. `pg` (like libpq) finds a server's Unix socket as
 * `<host directory>/.s.PGSQL.<port>`; no TCP port is opened, the number only names the file.
 */
const SOCKET_PORT = 5432;
const SOCKET_FILE = `.s.PGSQL.${SOCKET_PORT}`;
/** The directory under DATA_DIR that holds the socket, readable by the owner only. */
export const SOCKET_DIR_NAME = 'socket';
/**
 * The longest Unix socket path the kernel takes: sun_path holds 108 bytes on Linux and 104 on
 * macOS and the BSDs, the terminating NUL included.
 */
const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

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

/** Where the socket lives, and whether its directory is ours to delete on stop. */
interface SocketLocation {
  readonly dir: string;
  readonly temporary: boolean;
}

/**
 * PostgreSQL in-process: PGlite (PostgreSQL compiled to WebAssembly) served on a
 * Unix socket, so the application talks to it with the same `pg` driver, SQL and
 * migrations it uses against a PostgreSQL server.
 *
 * pglite-socket does no authentication: whoever can connect reads and changes everything. A
 * loopback TCP port would let any local process in, so the socket sits in a directory only the
 * server's user may enter (0700), and the socket itself is 0600. The data directory is private
 * the same way (0700, files 0600, tightened at start when an earlier start left it open): PGlite
 * creates its files 0666, so the process's umask (restrictFileModes) keeps the new ones private.
 *
 * PGlite runs one query at a time; pglite-socket multiplexes connections and
 * keeps a transaction's statements together, so a small pool works.
 */
export class EmbeddedPostgres {
  private constructor(
    readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly socket: SocketLocation,
    readonly origin: EmbeddedOrigin,
    private readonly lockFile: string | undefined,
    private readonly dataDir: string | undefined,
  ) {}

  /** The directory that holds the socket (the `host` of the connection string). */
  get socketDir(): string {
    return this.socket.dir;
  }

  /** The socket file: `<socketDir>/.s.PGSQL.5432`. */
  get socketPath(): string {
    return join(this.socket.dir, SOCKET_FILE);
  }

  /** A connection string for `pg`: its `host` parameter names the socket's directory (the host name is ignored). */
  get url(): string {
    return `postgres://postgres@localhost/postgres?host=${encodeURIComponent(this.socket.dir)}&sslmode=disable`;
  }

  /** Whether `dataDir` already holds a database (a later start) rather than nothing yet (the first). */
  static hasData(dataDir: string): boolean {
    return existsSync(join(dataDir, 'pgdata'));
  }

  static async start(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    let lockFile: string | undefined;
    let pgDir: string | undefined;
    let socket: SocketLocation | undefined;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
      pgDir = join(options.dataDir, 'pgdata');
      lockFile = join(options.dataDir, 'pgdata.lock');
      acquireLock(lockFile);
    }
    try {
      if (options.dataDir) tightenDataDir(options.dataDir);
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
      // PGlite writes a few files (pg_internal.init) with modes of its own, whatever the umask: inside a
      // 0700 directory nobody else reaches them, and they are made 0600 like the rest, here and at stop.
      if (pgDir) makePrivateTree(pgDir);
      socket = privateSocketLocation(options.dataDir);
      const socketPath = join(socket.dir, SOCKET_FILE);
      // Left by a process that died without stopping; the lock says no live one serves it.
      rmSync(socketPath, { force: true });
      const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: options.maxConnections ?? 32 });
      await server.start();
      // The directory already keeps others out; the file's own mode is a second lock on the door.
      chmodSync(socketPath, 0o600);
      return new EmbeddedPostgres(db, server, socket, origin, lockFile, options.dataDir);
    } catch (err) {
      if (socket) removeSocket(socket);
      if (lockFile) rmSync(lockFile, { force: true });
      throw err;
    }
  }

  /** Closes the socket server and PGlite, which flushes the data directory, and leaves the data directory private. */
  async stop(): Promise<void> {
    try {
      await this.server.stop();
    } finally {
      removeSocket(this.socket);
      try {
        if (!this.db.closed) await this.db.close();
        if (this.dataDir) makePrivateTree(this.dataDir);
      } finally {
        if (this.lockFile) rmSync(this.lockFile, { force: true });
      }
    }
  }
}

/**
 * A directory for the socket that only this process's user may enter: DATA_DIR/socket, or a fresh
 * one under the system's temporary directory for an in-memory database, and for a DATA_DIR so deep
 * that the socket's path would pass the kernel's limit (the socket cannot be bound there at all).
 */
function privateSocketLocation(dataDir: string | undefined): SocketLocation {
  if (dataDir) {
    const dir = join(dataDir, SOCKET_DIR_NAME);
    if (Buffer.byteLength(join(dir, SOCKET_FILE)) <= MAX_SOCKET_PATH_BYTES) {
      ensurePrivateDirectory(dir);
      return { dir, temporary: false };
    }
    new Logger('Database').warn(
      `DATA_DIR is too long for a Unix socket path (${MAX_SOCKET_PATH_BYTES} bytes at most): the embedded database's socket goes to a private directory under ${tmpdir()}`,
    );
  }
  // mkdtemp makes the directory with mode 0700 under a name nobody could have prepared.
  return { dir: mkdtempSync(join(tmpdir(), 'collab-pg-')), temporary: true };
}

/**
 * Makes `dir` a directory of this user with mode 0700, whatever an earlier start or the umask
 * left. A symbolic link or another user's directory is refused: the socket would not be private.
 */
function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new Error(`${dir} must be a directory owned by the server's user: the embedded database's socket goes there.`);
  }
  chmodSync(dir, 0o700);
}

/** Removes the socket file (Node unlinks it on close, but not after a failed start), and a temporary directory with it. */
function removeSocket(socket: SocketLocation): void {
  rmSync(socket.temporary ? socket.dir : join(socket.dir, SOCKET_FILE), { recursive: true, force: true });
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
  makePrivateTree(partial); // whatever modes the archive holds
  renameSync(partial, pgDir);
}

/**
 * A data directory left open to other users (by an earlier version, a restored backup or a copy) is
 * made private at start, with a warning that says how much was open.
 */
function tightenDataDir(dataDir: string): void {
  const tightened = makePrivateTree(dataDir);
  if (tightened > 0) {
    new Logger('Database').warn(
      `${dataDir}: ${tightened} files and directories were open to other users; now only the server's user may use them (0700 / 0600)`,
    );
  }
}

/** One process per data directory: two PGlite instances on the same files would corrupt them. */
function acquireLock(file: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
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
