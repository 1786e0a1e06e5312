import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * src/metadata.ts is what the @nestjs/swagger CLI plugin learns from the DTOs (types, doc comments,
 * class-validator rules). `nest build` applies the plugin while compiling; the tests compile with swc
 * and load this file instead, so it must match the sources.
 */
describe('src/metadata.ts (OpenAPI plugin metadata)', () => {
  it('is up to date with the DTOs: run `npm run openapi:metadata` when this fails', () => {
    let failure = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'openapi-metadata.mjs'), '--check'], { cwd: ROOT, stdio: 'pipe' });
    } catch (err) {
      failure = String((err as { stderr?: Buffer }).stderr ?? err);
    }
    expect(failure).toBe('');
  }, 120_000);
});
