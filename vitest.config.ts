import { configDefaults, defineConfig } from 'vitest/config';

// `npm test` leaves out the heavy end-to-end tests under test/e2e/full; `npm run test:e2e` runs only them.
const e2e = process.env.VIGIE_E2E === '1';

export default defineConfig({
  test: {
    include: e2e ? ['test/e2e/full/**/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: e2e ? configDefaults.exclude : [...configDefaults.exclude, 'test/e2e/full/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DuckDB and the CLI end-to-end tests are CPU-bound; two workers match the CI machine.
    maxWorkers: 2,
  },
});
