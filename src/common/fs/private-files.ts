import { Logger } from '@nestjs/common';
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** Group and others get nothing: what the server creates is 0700 (directories) and 0600 (files). */
export const PRIVATE_UMASK = 0o077;

/**
 * Sets the process's umask to PRIVATE_UMASK, so that every file and directory the process creates
 * is its user's alone: PGlite's data files (which it opens 0666), the embedded database's lock,
 * generated secrets, anything later written under DATA_DIR. Process entry points call it first
 * (startServer, the migration CLI). Worker threads cannot change it and are left as they are.
 */
export function restrictFileModes(): void {
  if (isMainThread) process.umask(PRIVATE_UMASK);
}

/**
 * Makes `dir` (created when missing) and everything under it private to the server's user: group
 * and other permissions are removed (directories 0700, files 0600). Returns how many entries it
 * had to change; what cannot be changed (another user's file) is named in a warning. Symbolic
 * links under `dir` are not followed.
 */
export function makePrivateTree(dir: string): number {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const entries = [dir, ...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name))];
  let tightened = 0;
  for (const path of entries) {
    const stat = path === dir ? statSync(path) : lstatSync(path);
    if (stat.isSymbolicLink() || (stat.mode & PRIVATE_UMASK) === 0) continue;
    try {
      chmodSync(path, stat.mode & 0o7777 & ~PRIVATE_UMASK);
      tightened++;
    } catch (err) {
      new Logger('DataDir').warn({ msg: 'could not make a file of the data directory private', path, error: (err as Error).message });
    }
  }
  return tightened;
}
