import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DataSource } from 'typeorm';
import { MIGRATIONS_DIR } from '../../src/common/database/data-source-options';
import {
  EmbeddedSnapshotManifest,
  SNAPSHOT_MANIFEST_FILE,
  buildEmbeddedSnapshot,
  migrationFilesIn,
} from '../../src/common/database/embedded-snapshot';
import { RunningServer, startServer } from '../../src/server';
import { http } from '../helpers/http';
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
});
