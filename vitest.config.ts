import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DuckDB and the CLI end-to-end tests are CPU-bound; two workers match the CI machine.
    maxWorkers: 2,
  },
});
