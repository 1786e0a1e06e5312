import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;

/**
 * Writes the files of a tarball made by `PGlite.dumpDataDir()` (ustar, optionally gzipped) under
 * `dir`. PGlite's own loader does the same through its WebAssembly file system, about three times
 * slower, and leaves the tarball and the extracted files in the process's memory. Here the tarball
 * is decompressed as it is written, so the uncompressed archive (about 40 MB) is never held whole.
 *
 * Regular files and directories only: a data directory holds nothing else.
 */
export async function extractTarball(tarball: Uint8Array, dir: string): Promise<void> {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const gzipped = tarball[0] === 0x1f && tarball[1] === 0x8b;
  const chunks: AsyncIterable<Buffer> | Buffer[] = gzipped ? createGunzip({ chunkSize: 256 * 1024 }).end(tarball) : [Buffer.from(tarball)];

  let pending = Buffer.alloc(0); // the start of a header that the next chunk completes
  let file: { fd: number; left: number } | undefined; // the entry whose content is being written
  let skip = 0; // padding up to the next header
  let ended = false;
  try {
    for await (const chunk of chunks) {
      const data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      while (!ended) {
        if (file) {
          const n = Math.min(file.left, data.length - at);
          writeSync(file.fd, data, at, n);
          file.left -= n;
          at += n;
          if (file.left > 0) break;
          closeSync(file.fd);
          file = undefined;
        }
        const skipped = Math.min(skip, data.length - at);
        skip -= skipped;
        at += skipped;
        if (skip > 0 || data.length - at < BLOCK) break;
        const header = data.subarray(at, at + BLOCK);
        at += BLOCK;
        if (header.every((byte) => byte === 0)) ended = true; // end-of-archive marker
        else file = openEntry(root, header);
        const size = file?.left ?? 0;
        skip = Math.ceil(size / BLOCK) * BLOCK - size;
      }
      pending = Buffer.from(data.subarray(at));
      if (ended) break;
    }
  } finally {
    if (file) closeSync(file.fd);
  }
  if (!ended || file) throw new Error('The tarball ends in the middle of an entry');
}

/** Creates the entry a header describes: a directory, or a file open for its content. */
function openEntry(root: string, header: Buffer): { fd: number; left: number } | undefined {
  const prefix = text(header, 345, 155);
  const name = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
  const size = parseInt(text(header, 124, 12).trim() || '0', 8);
  const type = String.fromCharCode(header[156]);
  // PGlite writes absolute names (/base/1/1255): they are relative to the data directory.
  const target = resolve(root, name.replace(/^\/+/, ''));
  if (target !== root && !target.startsWith(root + sep)) throw new Error(`The tarball holds a path outside its directory: ${name}`);
  if (type === '5') {
    mkdirSync(target, { recursive: true, mode: 0o700 });
    return undefined;
  }
  if (type !== '0' && type !== '\0') {
    throw new Error(`The tarball holds an entry of type ${JSON.stringify(type)} (${name}): only files and directories are expected`);
  }
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  return { fd: openSync(target, 'w', 0o600), left: size };
}

/** A NUL-terminated field of a header. */
function text(header: Buffer, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return (end === -1 ? field : field.subarray(0, end)).toString('utf8');
}
