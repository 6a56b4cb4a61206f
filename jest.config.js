// Every suite runs against the real services it names; see README "Tests".
const swcOptions = require('./scripts/swc-options.cjs');

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcOptions(), swcrc: false }] },
  moduleNameMapper: { '^@graftlab/([^/]+)$': '<rootDir>/libs/$1/src' },
  testTimeout: 60000,
  maxWorkers: 2,
};
