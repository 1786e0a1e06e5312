import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries: a domain module uses another through its exported service, its DTOs, its
 * events and its read models, never through its entities, repositories, mappers, controllers or
 * gateways; the shared layer (src/common) depends on no domain module. Add a new module here.
 */
export const DOMAIN_MODULES = ['access', 'audit', 'auth', 'mail', 'realtime', 'rooms', 'tenants', 'users'];
const INTERNALS = '(?:entities/.*|(?:.*/)?[^/]+\\.(?:entity|repository|mapper|controller|gateway))';
const boundaryMessage = (module) =>
  `Another module's internals: use its exported service, DTOs, events or read models (${module} may not import entities, repositories, mappers, controllers or gateways of other modules).`;
const moduleBoundaries = DOMAIN_MODULES.map((module) => ({
  files: [`src/${module}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(?:\\.\\./)+(?:${DOMAIN_MODULES.filter((m) => m !== module).join('|')})/${INTERNALS}$`,
            message: boundaryMessage(module),
          },
        ],
      },
    ],
  },
}));
// src/common at each depth: `../x` from src/common/*.ts, `../../x` from src/common/*/*.ts, ... (common/auth is not the auth module).
const commonBoundaries = [1, 2, 3].map((depth) => ({
  files: [`src/common/${'*/'.repeat(depth - 1)}*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^${'\\.\\./'.repeat(depth)}(?:${DOMAIN_MODULES.join('|')})(?:/|$)`,
            message: 'The shared layer (src/common) depends on no domain module: move the piece here, or invert the dependency (an event, an interface).',
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'coverage/', 'node_modules/', 'data/', 'src/metadata.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', Blob: 'readonly', Headers: 'readonly', structuredClone: 'readonly', AbortController: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through AppConfig (src/common/config), never process.env.',
        },
      ],
    },
  },
  ...moduleBoundaries,
  ...commonBoundaries,
  {
    // The configuration loader, scripts and tests are where the environment is read.
    files: ['src/common/config/**', 'scripts/**', 'test/**', 'bench/**', 'jest.config.js', '**/*.spec.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**', '**/*.spec.ts', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
