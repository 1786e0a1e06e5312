/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  // Our TypeScript, and the ES-module-only dependencies (Nest 12 and friends), compiled to CommonJS.
  transform: { '^.+\\.(t|j|mj|cj)s$': '<rootDir>/test/esm-transformer.js' },
  transformIgnorePatterns: [],
  // src/metadata.ts (generated for the swagger plugin) imports the DTOs with the `.js` of the built output.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup-file.ts'],
  testTimeout: 60000,
  maxWorkers: process.env.JEST_WORKERS ?? 2,
};
