import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar';

/**
 * Writes the files of a tarball made by `PGlite.dumpDataDir()` (optionally gzipped) under `dir`,
 * with node-tar, decompressing as it writes. PGlite's own loader does the same through its
 * WebAssembly file system, about three times slower, and keeps the tarball and the files in the
 * process's memory.
 *
 * PGlite writes absolute names (/base/1/1255), which node-tar makes relative to `dir` (an
 * informational warning). Any other warning (a path leaving `dir`, a damaged header) and any entry
 * but a file or a directory fail the restore instead of being skipped.
 */
export async function extractTarball(tarball: Uint8Array, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let refusal: string | undefined;
  const entries = extract({
    cwd: dir,
    onwarn: (code, message) => {
      if (code !== 'TAR_ENTRY_INFO') refusal ??= `${code}: ${String(message)}`;
    },
    filter: (path, entry) => {
      const type = 'type' in entry ? entry.type : undefined;
      if (type === 'File' || type === 'OldFile' || type === 'Directory') return true;
      refusal ??= `an entry of type ${String(type)} (${path}): only files and directories are expected`;
      return false;
    },
  });
  await pipeline(Readable.from([Buffer.from(tarball.buffer, tarball.byteOffset, tarball.byteLength)]), entries);
  if (refusal) throw new Error(`The snapshot could not be restored: ${refusal}`);
}
