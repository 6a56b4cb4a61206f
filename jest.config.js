// Every suite runs against the real services it names; see README "Tests".
const swcOptions = require('./scripts/swc-options.cjs');

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swcOptions(), swcrc: false }],
    // PGlite's CommonJS build loads its wasm and Node built-ins with import(), which jest's sandbox refuses
    // without --experimental-vm-modules; compiling those import() calls to require() keeps `npx jest` plain.
    '/node_modules/@electric-sql/pglite/dist/.+\\.cjs$': [
      '@swc/jest',
      { swcrc: false, module: { type: 'commonjs', ignoreDynamic: false }, jsc: { target: 'es2022' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  moduleNameMapper: { '^@graftlab/([^/]+)$': '<rootDir>/libs/$1/src' },
  testTimeout: 60000,
  maxWorkers: 2,
};
