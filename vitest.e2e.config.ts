import { defineConfig } from 'vitest/config';

/** The heavy end-to-end tests (`npm run test:e2e`): a full sample, as a newcomer's `npm start` makes it. */
export default defineConfig({
  test: {
    include: ['test/e2e/full/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    maxWorkers: 1,
  },
});
