import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // A full sample takes minutes: `npm run test:e2e` runs those (vitest.e2e.config.ts).
    exclude: [...configDefaults.exclude, 'test/e2e/full/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DuckDB and the CLI end-to-end tests are CPU-bound; two workers match the CI machine.
    maxWorkers: 2,
  },
});
