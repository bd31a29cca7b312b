/** Unit tests (tests/unit) need no Strapi; integration tests (tests/int) boot a real one per file. */

/**
 * Suites about processes, the browser, Varnish and the documented commands: they do not depend on the
 * database under test, so CI runs them once, in its PostgreSQL pass (.ci/run sets
 * SINGLE_PASS_SUITES=skip for the SQLite pass). `npm test` alone runs everything.
 */
const SINGLE_PASS_SUITES = [
  '<rootDir>/tests/e2e/',
  '<rootDir>/tests/int/processes.test.ts',
  '<rootDir>/tests/docs/',
  '<rootDir>/tests/int/varnish-vcl.test.ts',
  '<rootDir>/tests/int/varnish.test.ts',
  '<rootDir>/tests/int/cdn-adapters.test.ts',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.SINGLE_PASS_SUITES === 'skip' ? SINGLE_PASS_SUITES : [])],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/tests/helpers/global-setup.js',
  setupFiles: ['<rootDir>/tests/helpers/isolate-env.js'],
  testTimeout: 240000,
  maxWorkers: 2,
};
