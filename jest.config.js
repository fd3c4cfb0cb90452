/** Jest runs the TypeScript sources in ESM mode (Nest 12 is ESM-only). */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // TypeScript first: `./x.js` imports map to `./x`, which must find the source, never a stray compiled `x.js`.
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^nest-vitals$': '<rootDir>/libs/health/src/index.ts',
    '^nest-vitals/testing$': '<rootDir>/libs/health/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 30000,
};
