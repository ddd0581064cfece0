/** Tests compile with ts-jest in transpile-only mode; `npm run typecheck` does the type checking. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tests/tsconfig.json' }],
  },
  moduleNameMapper: {
    '^obsidian$': 'obsidian-test-mocks/obsidian',
  },
  setupFiles: ['<rootDir>/tests/support/setup.ts'],
  testTimeout: 20000,
};
