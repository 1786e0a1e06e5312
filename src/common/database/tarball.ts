import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

/**
 * Writes the files of a tarball made by `PGlite.dumpDataDir()` (ustar, optionally gzipped) under
 * `dir`. PGlite's own loader does the same through its WebAssembly file system, about three times
 * slower, and leaves the tarball and the extracted files in the process's memory.
 *
 * Regular files and directories only: a data directory holds nothing else.
 */
export function extractTarball(tarball: Uint8Array, dir: string): void {
  const tar = tarball[0] === 0x1f && tarball[1] === 0x8b ? gunzipSync(tarball) : Buffer.from(tarball.buffer, tarball.byteOffset, tarball.byteLength);
  const root = resolve(dir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  for (let offset = 0; offset + BLOCK <= tar.length; ) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break; // end-of-archive marker
    const name = text(header, 345, 155) ? `${text(header, 345, 155)}/${text(header, 0, 100)}` : text(header, 0, 100);
    const size = parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    // PGlite writes absolute names (/base/1/1255): they are relative to the data directory.
    const target = resolve(root, name.replace(/^\/+/, ''));
    if (target !== root && !target.startsWith(root + sep)) throw new Error(`The tarball holds a path outside its directory: ${name}`);
    const body = offset + BLOCK;
    if (type === '5') {
      mkdirSync(target, { recursive: true, mode: 0o700 });
    } else if (type === '0' || type === '\0') {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFileSync(target, tar.subarray(body, body + size), { mode: 0o600 });
    } else {
      throw new Error(`The tarball holds an entry of type ${JSON.stringify(type)} (${name}): only files and directories are expected`);
    }
    offset = body + Math.ceil(size / BLOCK) * BLOCK;
  }
}

/** A NUL-terminated ASCII field of a header. */
function text(header: Uint8Array, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return Buffer.from(end === -1 ? field : field.subarray(0, end)).toString('utf8');
}

