import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS_DIR } from '../../src/common/database/data-source-options';
import { EmbeddedPostgres, SOCKET_DIR_NAME } from '../../src/common/database/embedded-postgres';
import {
  EmbeddedSnapshotManifest,
  SNAPSHOT_MANIFEST_FILE,
  buildEmbeddedSnapshot,
  migrationFilesIn,
} from '../../src/common/database/embedded-snapshot';
import { RunningServer, startServer } from '../../src/server';
import { http } from '../helpers/http';
import { listeningTcpPorts } from '../helpers/listening-ports';
import { testConfig } from '../helpers/test-env';

describe('embedded default (PGlite under DATA_DIR)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'collab-embedded-'));
  const migrationFiles = migrationFilesIn(MIGRATIONS_DIR).sort((a, b) => basename(a).localeCompare(basename(b)));
  const complete = join(tmp, 'snapshot-complete');
  const missingNewest = join(tmp, 'snapshot-missing-newest');
  const otherPglite = join(tmp, 'snapshot-other-pglite');
  let allMigrations: string[];
  let olderMigrations: string[];

  /** Embedded even when the suite runs against PostgreSQL; migrations run at start-up as in production. */
  const configFor = (dataDir: string) => testConfig({ DATABASE_URL: undefined, DATA_DIR: dataDir, DATABASE_MIGRATIONS_RUN: true });
  const appliedMigrations = async (server: RunningServer) =>
    ((await server.app.get(DataSource).query('SELECT name FROM migrations ORDER BY id')) as { name: string }[]).map((row) => row.name);

  beforeAll(async () => {
    // Made the way `npm run build` makes dist/embedded, from the migrations of the sources.
    allMigrations = (await buildEmbeddedSnapshot({ outDir: complete, migrationFiles })).manifest.migrations;
    olderMigrations = (await buildEmbeddedSnapshot({ outDir: missingNewest, migrationFiles: migrationFiles.slice(0, -1) })).manifest.migrations;
    cpSync(complete, otherPglite, { recursive: true });
    const manifestFile = join(otherPglite, SNAPSHOT_MANIFEST_FILE);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as EmbeddedSnapshotManifest;
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, pgliteVersion: '0.0.1' }));
  }, 120_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('starts from the snapshot the first time, with every migration applied', async () => {
    const dataDir = join(tmp, 'from-complete');
    const server = await startServer(configFor(dataDir), { embeddedSnapshot: complete });
    try {
      expect(server.embeddedOrigin).toBe('snapshot');
      expect((await http.get(`${server.url}/health/ready`)).status).toBe(200);
      expect(allMigrations).toHaveLength(migrationFiles.length);
      expect(await appliedMigrations(server)).toEqual(allMigrations);
      // The first-start bootstrap ran on the restored database: the admin signs in.
      const login = await http.post(`${server.url}/api/v1/auth/login`, { login: 'admin', password: server.config.env.ADMIN_PASSWORD });
      expect(login.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('applies at start the migrations newer than the snapshot', async () => {
    const server = await startServer(configFor(join(tmp, 'from-missing-newest')), { embeddedSnapshot: missingNewest });
    try {
      expect(server.embeddedOrigin).toBe('snapshot');
      expect(olderMigrations).toEqual(allMigrations.slice(0, -1));
      expect(await appliedMigrations(server)).toEqual(allMigrations);
      expect(await server.app.get(DataSource).showMigrations()).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('runs initdb when the snapshot is from another PGlite, refuses a second process on the same data, and keeps data across a restart', async () => {
    const config = configFor(join(tmp, 'from-other-pglite'));
    const first = await startServer(config, { embeddedSnapshot: otherPglite });
    try {
      expect(first.embeddedOrigin).toBe('initdb');
      expect((await http.get(`${first.url}/health/ready`)).status).toBe(200);
      expect(await appliedMigrations(first)).toEqual(allMigrations);
      const ds = first.app.get(DataSource);
      await ds.query('CREATE TABLE restart_probe (id int PRIMARY KEY, note text NOT NULL)');
      await ds.query(`INSERT INTO restart_probe VALUES (1, 'kept')`);
      await expect(startServer(config, { embeddedSnapshot: otherPglite })).rejects.toThrow(/data directory is in use/);
    } finally {
      await first.close();
    }

    // A later start opens the data as it is, whatever snapshot is offered.
    const second = await startServer(config, { embeddedSnapshot: complete });
    try {
      expect(second.embeddedOrigin).toBe('existing');
      const ds = second.app.get(DataSource);
      expect(await ds.query('SELECT note FROM restart_probe')).toEqual([{ note: 'kept' }]);
      expect(await ds.showMigrations()).toBe(false);
    } finally {
      await second.close();
    }
  });

  describe('its files', () => {
    /** Every path under `dir` (itself included) whose group or other permission bits are set, with its mode. */
    const openToOthers = (dir: string) =>
      [dir, ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name))]
        .map((path) => ({ path, mode: lstatSync(path).mode & 0o777 }))
        .filter(({ mode }) => (mode & 0o077) !== 0);

    it('are private to the server\'s user: DATA_DIR 0700, directories 0700, files 0600, also what an earlier start left open', async () => {
      const dataDir = join(tmp, 'private-data-dir');
      const config = configFor(dataDir).with({ JWT_SECRET: undefined, ENCRYPTION_KEY: undefined });
      const first = await startServer(config, { embeddedSnapshot: complete });
      try {
        // Written after the start: a user, its session, the audit log.
        expect((await http.post(`${first.url}/api/v1/auth/login`, { login: 'admin', password: first.config.env.ADMIN_PASSWORD })).status).toBe(200);
      } finally {
        await first.close();
      }
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(statSync(join(dataDir, 'pgdata')).isDirectory()).toBe(true);
      expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
      expect(openToOthers(dataDir)).toEqual([]);

      // As an earlier version left it: the directory 0755, the database's files 0666 and 0777.
      chmodSync(dataDir, 0o755);
      for (const name of readdirSync(join(dataDir, 'pgdata'), { recursive: true, encoding: 'utf8' })) {
        const path = join(dataDir, 'pgdata', name);
        chmodSync(path, statSync(path).isDirectory() ? 0o777 : 0o666);
      }
      expect(openToOthers(dataDir).length).toBeGreaterThan(10);
      const second = await startServer(config, { embeddedSnapshot: complete });
      try {
        expect(openToOthers(dataDir)).toEqual([]);
        expect((await http.get(`${second.url}/health/ready`)).status).toBe(200);
      } finally {
        await second.close();
      }
      expect(openToOthers(dataDir)).toEqual([]);
    });
  });

  describe('the socket it is served on', () => {
    const modeOf = (path: string) => statSync(path).mode & 0o777;
    const selectOne = async (url: string) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<{ one: number }>('SELECT 1 AS one')).rows;
      } finally {
        await client.end();
      }
    };

    it('is a Unix socket in DATA_DIR that only the owner may reach, with no TCP port at all', async () => {
      const dataDir = join(tmp, 'socket-in-data-dir');
      const server = await startServer(configFor(dataDir), { embeddedSnapshot: complete });
      const socketDir = join(dataDir, SOCKET_DIR_NAME);
      const socketFile = join(socketDir, '.s.PGSQL.5432');
      try {
        // The only TCP listener of this process is the HTTP server: the database has no host:port.
        expect(listeningTcpPorts()).toEqual([Number(new URL(server.url).port)]);
        expect(modeOf(socketDir)).toBe(0o700);
        expect(modeOf(socketFile)).toBe(0o600);
        expect(statSync(socketFile).isSocket()).toBe(true);
        expect((await http.get(`${server.url}/health/ready`)).status).toBe(200);
      } finally {
        await server.close();
      }
      expect(existsSync(socketFile)).toBe(false);
    });

    it('names the socket directory in its connection string, and the owner connects through it', async () => {
      const embedded = await EmbeddedPostgres.start();
      try {
        // pg takes the `host` parameter for the host; a directory there means a Unix socket, and no port is named.
        const url = new URL(embedded.url);
        expect(url.searchParams.get('host')).toBe(embedded.socketDir);
        expect(url.port).toBe('');
        expect(embedded.socketPath).toBe(join(embedded.socketDir, '.s.PGSQL.5432'));
        // In memory there is no DATA_DIR: a private directory of its own under the temporary directory.
        expect(dirname(embedded.socketDir)).toBe(tmpdir());
        expect(modeOf(embedded.socketDir)).toBe(0o700);
        expect(listeningTcpPorts()).toEqual([]);
        expect(await selectOne(embedded.url)).toEqual([{ one: 1 }]);
      } finally {
        await embedded.stop();
      }
      expect(existsSync(embedded.socketDir)).toBe(false);
    });

    it('goes to a private temporary directory when DATA_DIR is too long for a socket path', async () => {
      const dataDir = join(tmp, 'a-data-directory-whose-path-is-far-too-long-to-hold-a-unix-socket-'.padEnd(110, 'x'));
      const embedded = await EmbeddedPostgres.start({ dataDir, snapshot: new Blob([readFileSync(join(complete, 'pgdata.tar.gz'))]) });
      try {
        expect(Buffer.byteLength(join(dataDir, SOCKET_DIR_NAME, '.s.PGSQL.5432'))).toBeGreaterThan(107);
        expect(dirname(embedded.socketDir)).toBe(tmpdir());
        expect(modeOf(embedded.socketDir)).toBe(0o700);
        expect(await selectOne(embedded.url)).toEqual([{ one: 1 }]);
      } finally {
        await embedded.stop();
      }
      expect(existsSync(embedded.socketDir)).toBe(false);
    });
  });
});
