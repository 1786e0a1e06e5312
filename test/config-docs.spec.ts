import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_SCHEMA } from '../src/common/config/config.schema';
import { parseEnvFile, renderEnvExample } from '../src/common/config/env-file';

describe('README configuration table', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const documented = new Map(
    [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]),
  );

  it('lists every variable the server reads, with its default', () => {
    for (const [name, spec] of Object.entries(ENV_SCHEMA)) {
      const shown = spec.default === undefined ? '—' : spec.default === '' ? '(empty)' : `\`${spec.default}\``;
      expect({ name, default: documented.get(name) }).toEqual({ name, default: shown });
    }
  });

  it('lists no variable the server does not read', () => {
    expect([...documented.keys()].filter((name) => !(name in ENV_SCHEMA))).toEqual([]);
  });

  it('opens with exactly the two commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1].trim().split('\n') ?? [];
    expect(firstBlock.map((line) => line.split('#')[0].trim())).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });
});

describe('.env.example', () => {
  const file = join(__dirname, '..', '.env.example');

  // UPDATE_ENV_EXAMPLE=1 npx jest test/config-docs.spec.ts rewrites it after a change to the schema.
  if (process.env.UPDATE_ENV_EXAMPLE === '1') writeFileSync(file, renderEnvExample());

  it('is generated from the schema (UPDATE_ENV_EXAMPLE=1 npx jest test/config-docs.spec.ts rewrites it)', () => {
    expect(readFileSync(file, 'utf8')).toBe(renderEnvExample());
  });

  it('lists every variable with its default, and is a valid .env once uncommented', () => {
    const uncommented = readFileSync(file, 'utf8').replace(/^# ([A-Z][A-Z0-9_]*=)/gm, '$1');
    const values = parseEnvFile(uncommented, '.env.example');
    expect(Object.keys(values)).toEqual(Object.keys(ENV_SCHEMA));
    for (const [name, spec] of Object.entries(ENV_SCHEMA)) expect({ name, value: values[name] }).toEqual({ name, value: spec.default ?? '' });
  });
});
