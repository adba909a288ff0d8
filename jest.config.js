/**
 * One Jest run for everything: unit tests beside the code (`*.spec.ts`) and end-to-end tests in
 * `test/` (`*.e2e-spec.ts`) on a real PostgreSQL, each e2e file in its own database.
 * The project is ESM (NestJS 12 is), so Jest runs with --experimental-vm-modules (see `npm test`).
 */
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  sourceMaps: 'inline',
  swcrc: false,
};

export default {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/scripts'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest', swcOptions] },
  // ESM-only packages that CommonJS dependencies require(): Jest on Node 20 cannot require(esm),
  // so these few are compiled to CommonJS on the fly.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie)/)'],
  moduleNameMapper: {
    // Its ESM build imports JSON without an import attribute, which Jest warns about on every load.
    '^libphonenumber-js$': '<rootDir>/node_modules/libphonenumber-js/index.cjs',
    '^@app/core$': '<rootDir>/libs/core/src/index.ts',
    '^@app/privacy$': '<rootDir>/libs/privacy/src/index.ts',
    '^@app/privacy/(.*)\\.js$': '<rootDir>/libs/privacy/src/$1',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  testTimeout: 60_000,
  // Fail loudly on a test that leaves work behind instead of hanging the run.
  openHandlesTimeout: 2_000,
};
