import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, MIGRATIONS_TABLE } from './data-source-options';
import { EMBEDDED_POOL_SIZE, EmbeddedPostgres } from './embedded-postgres';
import { runMigrations } from './migrator';

/**
 * A migrated embedded database made at build time (`npm run build` runs
 * scripts/build-embedded-snapshot.ts): the first start of the embedded default loads it instead
 * of running initdb and every migration, then applies whatever migration is newer than it.
 */

/** dist/embedded, beside dist/src of the build this file belongs to (absent under ts-node and jest). */
export const EMBEDDED_SNAPSHOT_DIR = join(__dirname, '..', '..', '..', 'embedded');
export const SNAPSHOT_DATA_FILE = 'pgdata.tar.gz';
export const SNAPSHOT_MANIFEST_FILE = 'pgdata.json';
/** Bumped when what the builder puts in a snapshot changes, so that cached snapshots are rebuilt. */
const SNAPSHOT_FORMAT = 1;

export interface EmbeddedSnapshotManifest {
  /** The PGlite that wrote the data directory: another version may not read it. */
  pgliteVersion: string;
  /** The migrations applied in the snapshot, in the order they ran. */
  migrations: string[];
}

export interface EmbeddedSnapshot {
  readonly manifest: EmbeddedSnapshotManifest;
  /** The tarball of the data directory (`PGlite.dumpDataDir('gzip')`). */
  readonly data: Blob;
}

/** The snapshot in `dir`, or why it cannot be used. */
export type SnapshotLookup = { snapshot: EmbeddedSnapshot } | { snapshot: undefined; reason: string };

/**
 * The installed PGlite's version. Its package.json is not among the package's exports, so it is
 * read beside the entry point (node_modules/@electric-sql/pglite/dist/index.cjs).
 */
export function pgliteVersion(): string {
  const file = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Reads the snapshot in `dir` if there is one and the installed PGlite wrote it. */
export function readEmbeddedSnapshot(dir: string): SnapshotLookup {
  const manifestFile = join(dir, SNAPSHOT_MANIFEST_FILE);
  const dataFile = join(dir, SNAPSHOT_DATA_FILE);
  if (!existsSync(manifestFile) || !existsSync(dataFile)) return { snapshot: undefined, reason: `no snapshot in ${dir}` };
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as EmbeddedSnapshotManifest;
  const installed = pgliteVersion();
  if (manifest.pgliteVersion !== installed) {
    return { snapshot: undefined, reason: `the snapshot was made by PGlite ${manifest.pgliteVersion}, this is ${installed}` };
  }
  return { snapshot: { manifest, data: new Blob([readFileSync(dataFile)]) } };
}

export interface SnapshotBuildOptions {
  /** Where pgdata.tar.gz and pgdata.json go. */
  outDir: string;
  /** The migration files to apply (compiled .js when built, .ts under jest). */
  migrationFiles: string[];
  /** A directory that keeps the last snapshot built, keyed by its inputs; undefined: no cache. */
  cacheDir?: string;
}

export interface SnapshotBuild {
  readonly manifest: EmbeddedSnapshotManifest;
  /** True when the snapshot came from the cache rather than from running the migrations. */
  readonly cached: boolean;
}

/** Writes a migrated snapshot to `outDir`: from the cache when its inputs have not changed. */
export async function buildEmbeddedSnapshot(options: SnapshotBuildOptions): Promise<SnapshotBuild> {
  const files = [...options.migrationFiles].sort((a, b) => basename(a).localeCompare(basename(b)));
  const key = snapshotCacheKey(files);
  const cached = options.cacheDir ? join(options.cacheDir, key) : undefined;
  mkdirSync(options.outDir, { recursive: true });
  if (cached && existsSync(join(cached, SNAPSHOT_MANIFEST_FILE)) && existsSync(join(cached, SNAPSHOT_DATA_FILE))) {
    copySnapshot(cached, options.outDir);
    return { manifest: JSON.parse(readFileSync(join(cached, SNAPSHOT_MANIFEST_FILE), 'utf8')) as EmbeddedSnapshotManifest, cached: true };
  }

  const { manifest, data } = await migratedSnapshot(files);
  writeFileSync(join(options.outDir, SNAPSHOT_DATA_FILE), data);
  writeFileSync(join(options.outDir, SNAPSHOT_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  if (options.cacheDir && cached) {
    // Only the newest snapshot is worth keeping: the cache never grows past one entry.
    rmSync(options.cacheDir, { recursive: true, force: true });
    mkdirSync(cached, { recursive: true });
    copySnapshot(options.outDir, cached);
  }
  return { manifest, cached: false };
}

/** What a snapshot depends on: the builder's format, the PGlite version and every migration file's name and content. */
export function snapshotCacheKey(migrationFiles: string[]): string {
  const hash = createHash('sha256').update(`format ${SNAPSHOT_FORMAT}\npglite ${pgliteVersion()}\n`);
  for (const file of migrationFiles) hash.update(`${basename(file)}\n`).update(readFileSync(file)).update('\n');
  return hash.digest('hex').slice(0, 32);
}

/** The migration files a build holds: dist/migrations/*.js (the source maps and declarations left out). */
export function migrationFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.(js|ts)$/.test(name) && !name.endsWith('.d.ts'))
    .map((name) => join(dir, name));
}

/** An in-memory PGlite, migrated by the application's own runMigrations, then dumped. */
async function migratedSnapshot(migrationFiles: string[]): Promise<{ manifest: EmbeddedSnapshotManifest; data: Buffer }> {
  const embedded = await EmbeddedPostgres.start();
  try {
    // Defaults only: the build machine's environment (a DATABASE_URL, say) has no say in the snapshot.
    const config = AppConfig.fromEnv({}).with({ DATABASE_POOL_SIZE: EMBEDDED_POOL_SIZE });
    const dataSource = new DataSource({ ...dataSourceOptions(config, embedded.url), entities: [], migrations: migrationFiles });
    await dataSource.initialize();
    let migrations: string[];
    try {
      await runMigrations(dataSource);
      const rows = (await dataSource.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`)) as { name: string }[];
      migrations = rows.map((row) => row.name);
    } finally {
      await dataSource.destroy();
    }
    const dump = await embedded.db.dumpDataDir('gzip');
    return { manifest: { pgliteVersion: pgliteVersion(), migrations }, data: Buffer.from(await dump.arrayBuffer()) };
  } finally {
    await embedded.stop();
  }
}

function copySnapshot(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const file of [SNAPSHOT_DATA_FILE, SNAPSHOT_MANIFEST_FILE]) copyFileSync(join(from, file), join(to, file));
}

export interface EmbeddedStart {
  readonly embedded: EmbeddedPostgres;
  /** Why a first start ran initdb instead of loading the snapshot. */
  readonly snapshotSkipped?: string;
}

/**
 * Starts the embedded database under `dataDir`. A first start loads the snapshot in `snapshotDir`
 * when there is one for the installed PGlite (the caller's migrations then apply what is newer);
 * otherwise, or with `snapshotDir` false, it runs initdb. A later start opens the data as it is.
 */
export async function startEmbeddedDatabase(dataDir: string, snapshotDir: string | false = EMBEDDED_SNAPSHOT_DIR): Promise<EmbeddedStart> {
  if (EmbeddedPostgres.hasData(dataDir)) return { embedded: await EmbeddedPostgres.start({ dataDir }) };
  const lookup: SnapshotLookup = snapshotDir ? readEmbeddedSnapshot(snapshotDir) : { snapshot: undefined, reason: 'snapshots are off' };
  const embedded = await EmbeddedPostgres.start({ dataDir, snapshot: lookup.snapshot?.data });
  return { embedded, snapshotSkipped: lookup.snapshot ? undefined : lookup.reason };
}
