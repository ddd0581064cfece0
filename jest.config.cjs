/** Tests compile with ts-jest in transpile-only mode; `npm run typecheck` does the type checking. */
module.exports = {
  testEnvironment: 'node',
  // Lets jsdom tests load packages' CommonJS builds (obsidian-test-mocks).
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'] },
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tests/tsconfig.jest.json' }],
    // pdf.js ships only ES modules; the CLI's PDF engine loads it.
    '/node_modules/pdfjs-dist/.+\\.mjs$': '<rootDir>/tests/support/esm-to-cjs.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!pdfjs-dist/)'],
  moduleNameMapper: {
    '^obsidian$': 'obsidian-test-mocks/obsidian',
  },
  setupFiles: ['<rootDir>/tests/support/setup.ts'],
  testTimeout: 20000,
};
