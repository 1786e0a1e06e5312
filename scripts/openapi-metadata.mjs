// Writes src/metadata.ts: what the @nestjs/swagger CLI plugin (configured in nest-cli.json) learns
// from the DTOs' TypeScript types, doc comments and class-validator rules. `nest build` applies the
// plugin while compiling; code compiled without it (the tests, with swc) loads the same metadata from
// this file (SwaggerModule.loadPluginMetadata in src/common/openapi/openapi.ts), so both see one document.
//
//   npm run openapi:metadata                   regenerate src/metadata.ts (after changing a DTO)
//   node scripts/openapi-metadata.mjs --check  exit 1 when src/metadata.ts is stale (the test suite runs it)
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
const cli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'));
const plugin = cli.compilerOptions.plugins.find((p) => p.name === '@nestjs/swagger');
const outputDir = join(root, 'src');
// The imports in the file are relative to it: a check writes beside it, under another name.
const filename = check ? `.metadata-check-${process.pid}.ts` : 'metadata.ts';

process.chdir(root);
// The generator type-checks the project, which imports src/metadata.ts: on a first run, start from an empty one.
const target = join(outputDir, 'metadata.ts');
if (!check && !existsSync(target)) writeFileSync(target, "export default async () => ({ '@nestjs/swagger': { models: [], controllers: [] } });\n");
new PluginMetadataGenerator().generate({
  visitors: [new ReadonlyVisitor({ ...plugin.options, pathToSource: outputDir })],
  outputDir,
  filename,
  watch: false,
  tsconfigPath: 'tsconfig.build.json',
  printDiagnostics: false,
});

if (check) {
  const generated = join(outputDir, filename);
  const fresh = readFileSync(generated, 'utf8');
  rmSync(generated, { force: true });
  let committed = '';
  try {
    committed = readFileSync(join(outputDir, 'metadata.ts'), 'utf8');
  } catch {
    // missing: stale by definition
  }
  if (fresh !== committed) {
    process.stderr.write('src/metadata.ts is stale: run `npm run openapi:metadata` and commit the result.\n');
    process.exit(1);
  }
}
