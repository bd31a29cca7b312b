/** Unit tests (tests/unit) need no Strapi; integration tests (tests/int) boot a real one per file. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/tests/helpers/global-setup.js',
  setupFiles: ['<rootDir>/tests/helpers/isolate-env.js'],
  testTimeout: 240000,
  maxWorkers: 2,
};
