import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

type Case = readonly [file: string, specifier: string];

const snippet = (specifier: string): string => `import { X } from '${specifier}';\nexport const y = X;\n`;

/** The `no-restricted-imports` messages ESLint reports for each import, written in the file at the given path. */
function boundaryErrors(cases: readonly Case[]): string[][] {
  const input = JSON.stringify(cases.map(([path, specifier]) => ({ path, code: snippet(specifier) })));
  const out = execFileSync(process.execPath, [join(__dirname, 'lint-snippets.mjs')], { input, encoding: 'utf8' });
  return JSON.parse(out) as string[][];
}

/**
 * Module boundaries are enforced by lint (eslint.config.mjs): these are the rule's own tests, on
 * imports written as a module would write them.
 */
describe('module boundaries (ESLint)', () => {
  it("refuses another module's entities, repositories, mappers, controllers and gateways", () => {
    const cases: Case[] = [
      ['src/rooms/core/rooms.service.ts', '../../users/entities/user.entity'],
      ['src/rooms/rooms.module.ts', '../users/users.repository'],
      ['src/auth/auth.service.ts', '../users/users.mapper'],
      ['src/auth/oidc/oidc.service.ts', '../../tenants/tenants.controller'],
      ['src/users/users.service.ts', '../rooms/live/rooms.gateway'],
    ];
    const errors = boundaryErrors(cases);
    cases.forEach((c, i) => expect({ c, errors: errors[i] }).toEqual({ c, errors: [expect.stringContaining("Another module's internals")] }));
  });

  it("allows a module's own internals and another module's service, DTOs, events and read models", () => {
    const cases: Case[] = [
      ['src/users/users.service.ts', './users.repository'],
      ['src/users/users.service.ts', './entities/user.entity'],
      ['src/rooms/core/rooms.service.ts', '../members/members.repository'],
      ['src/rooms/core/rooms.service.ts', '../../users/users.service'],
      ['src/auth/auth.service.ts', '../users/dto/user.dto'],
      ['src/auth/auth.service.ts', '../users/user-account'],
      ['src/realtime/session-eviction.listener.ts', '../users/users.events'],
    ];
    const errors = boundaryErrors(cases);
    cases.forEach((c, i) => expect({ c, errors: errors[i] }).toEqual({ c, errors: [] }));
  });

  it('keeps the shared layer free of domain modules', () => {
    const [deep, top, ownAuth] = boundaryErrors([
      ['src/common/pagination/pagination.ts', '../../users/users.service'],
      ['src/common/core.module.ts', '../rooms/rooms.module'],
      // src/common/auth is the shared layer's own folder, not the auth module.
      ['src/common/http/endpoint.decorator.ts', '../auth/auth.decorators'],
    ]);
    expect(deep).toEqual([expect.stringContaining('The shared layer')]);
    expect(top).toEqual([expect.stringContaining('The shared layer')]);
    expect(ownAuth).toEqual([]);
  });
});
