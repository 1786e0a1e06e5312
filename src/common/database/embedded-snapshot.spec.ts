import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { MIGRATIONS_DIR } from './data-source-options';
import {
  SNAPSHOT_DATA_FILE,
  SNAPSHOT_MANIFEST_FILE,
  buildEmbeddedSnapshot,
  migrationFilesIn,
  pgliteVersion,
  readEmbeddedSnapshot,
  snapshotCacheKey,
} from './embedded-snapshot';
import { extractTarball } from './tarball';

describe('embedded snapshot builder', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'collab-snapshot-'));
  const cacheDir = join(tmp, 'cache');
  // The first migration alone: a real build, and the quickest one.
  const [firstMigration] = migrationFilesIn(MIGRATIONS_DIR).sort((a, b) => basename(a).localeCompare(basename(b)));

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes the migrated data directory and a manifest, then serves the same inputs from the cache', async () => {
    const first = await buildEmbeddedSnapshot({ outDir: join(tmp, 'out-1'), migrationFiles: [firstMigration], cacheDir });
    expect(first.cached).toBe(false);
    expect(first.manifest).toEqual({ pgliteVersion: pgliteVersion(), migrations: ['Identity1795350000000'] });
    expect(readdirSync(cacheDir)).toEqual([snapshotCacheKey([firstMigration])]);

    const second = await buildEmbeddedSnapshot({ outDir: join(tmp, 'out-2'), migrationFiles: [firstMigration], cacheDir });
    expect(second).toEqual({ manifest: first.manifest, cached: true });
    for (const file of [SNAPSHOT_DATA_FILE, SNAPSHOT_MANIFEST_FILE]) {
      expect(readFileSync(join(tmp, 'out-2', file))).toEqual(readFileSync(join(tmp, 'out-1', file)));
    }

    // The tarball restores to a PostgreSQL data directory.
    await extractTarball(readFileSync(join(tmp, 'out-1', SNAPSHOT_DATA_FILE)), join(tmp, 'pgdata'));
    expect(readFileSync(join(tmp, 'pgdata', 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
    expect(existsSync(join(tmp, 'pgdata', 'global', 'pg_control'))).toBe(true);
  }, 120_000);

  it('keys the cache on the content of every migration file', () => {
    const copy = join(tmp, basename(firstMigration));
    copyFileSync(firstMigration, copy);
    const key = snapshotCacheKey([copy]);
    expect(snapshotCacheKey([firstMigration])).toBe(key);
    writeFileSync(copy, `${readFileSync(copy, 'utf8')}\n// changed\n`);
    expect(snapshotCacheKey([copy])).not.toBe(key);
  });

  it('offers a snapshot only when it is there and made by the installed PGlite', () => {
    expect(readEmbeddedSnapshot(join(tmp, 'nowhere'))).toEqual({ snapshot: undefined, reason: `no snapshot in ${join(tmp, 'nowhere')}` });

    const found = readEmbeddedSnapshot(join(tmp, 'out-1'));
    expect(found.snapshot?.manifest.migrations).toEqual(['Identity1795350000000']);
    expect(found.snapshot?.data.size).toBe(readFileSync(join(tmp, 'out-1', SNAPSHOT_DATA_FILE)).length);

    writeFileSync(join(tmp, 'out-2', SNAPSHOT_MANIFEST_FILE), JSON.stringify({ pgliteVersion: '0.0.1', migrations: [] }));
    expect(readEmbeddedSnapshot(join(tmp, 'out-2'))).toEqual({
      snapshot: undefined,
      reason: `the snapshot was made by PGlite 0.0.1, this is ${pgliteVersion()}`,
    });
  });
});

describe('extractTarball', () => {
  it('refuses a path that leaves the directory', async () => {
    const header = Buffer.alloc(512);
    header.write('../outside', 0);
    header.write('00000000000\0', 124);
    header.write('0', 156);
    header.write('ustar\0' + '00', 257);
    header.fill(' ', 148, 156); // the checksum is computed with its own field as spaces
    header.write(`${header.reduce((sum, byte) => sum + byte, 0).toString(8).padStart(6, '0')}\0 `, 148);
    const dir = mkdtempSync(join(tmpdir(), 'collab-tar-'));
    try {
      await expect(extractTarball(Buffer.concat([header, Buffer.alloc(1024)]), join(dir, 'data'))).rejects.toThrow(/could not be restored: .*'\.\.'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
