/**
 * Writes dist/embedded/pgdata.tar.gz and pgdata.json: an embedded database with every migration of
 * this build applied, which the first start of the embedded default loads instead of running initdb
 * and the migrations (src/common/database/embedded-snapshot.ts). `npm run build` runs it (postbuild).
 *
 * The last snapshot is kept in .cache/embedded-snapshot, keyed by the migration files and the PGlite
 * version, so a build that changed neither takes no time here. EMBEDDED_SNAPSHOT_CACHE=off builds
 * afresh and leaves the cache alone.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { MIGRATIONS_DIR } from '../src/common/database/data-source-options';
import { EMBEDDED_SNAPSHOT_DIR, buildEmbeddedSnapshot, migrationFilesIn } from '../src/common/database/embedded-snapshot';

/** .cache/ at the repository root (this file runs as dist/scripts/build-embedded-snapshot.js). */
const CACHE_DIR = join(__dirname, '..', '..', '.cache', 'embedded-snapshot');

async function main(): Promise<void> {
  // TypeORM reports each migration it runs through the Nest logger: not worth a build log.
  Logger.overrideLogger(['error', 'warn']);
  const started = Date.now();
  const cache = process.env.EMBEDDED_SNAPSHOT_CACHE === 'off' ? undefined : CACHE_DIR;
  const { manifest, cached } = await buildEmbeddedSnapshot({
    outDir: EMBEDDED_SNAPSHOT_DIR,
    migrationFiles: migrationFilesIn(MIGRATIONS_DIR),
    cacheDir: cache,
  });
  const source = cached ? 'from the cache' : `built${cache ? '' : ' (cache off)'}`;
  console.log(
    `embedded snapshot ${source} in ${Date.now() - started} ms: ${manifest.migrations.length} migration(s), PGlite ${manifest.pgliteVersion} -> ${EMBEDDED_SNAPSHOT_DIR}`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
