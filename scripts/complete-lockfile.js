#!/usr/bin/env node
/**
 * Adds to package-lock.json the optional platform binaries (@swc/core-darwin-arm64,
 * @unrs/resolver-binding-win32-x64-msvc, ...) that the registry mirror of our build
 * machines does not serve. npm records only what it could resolve, and `npm ci`
 * then refuses the lock file as out of sync with package.json. The added entries
 * carry os/cpu, so npm skips them on other platforms and fetches them on their own.
 *
 *   npm install <pkg> && node scripts/complete-lockfile.js
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const file = join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8'));
const OS = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony', 'netbsd', 'openbsd', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'loong64', 'riscv64', 'wasm32'];

let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[`node_modules/${name}`]) continue;
    if (!/^\d+\.\d+\.\d+/.test(range)) continue; // only exact versions, as native binary packages pin them
    const parts = name.split('/').pop().split('-');
    const os = OS.find((o) => parts.includes(o));
    const cpu = CPU.find((c) => parts.includes(c));
    if (!os || !cpu) continue;
    lock.packages[`node_modules/${name}`] = { version: range, ...(entry.dev && { dev: true }), optional: true, os: [os], cpu: [cpu] };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} optional platform package(s) to package-lock.json`);
