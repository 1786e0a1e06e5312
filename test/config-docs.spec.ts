import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_SCHEMA } from '../src/common/config/config.schema';

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
