import { defineConfig } from 'vitest/config';

/**
 * Two suites. `suite` (npm test) is what every change must pass quickly: unit, infra, integration and
 * one end-to-end test per path (the `vigie` command, the Lambda handlers). `e2e` (npm run test:e2e) is the
 * rest of the end-to-end tests and the benchmark smoke run: minutes each, run one file at a time so that
 * two heavy local-AWS runs never compete for the machine's two cores. Timeouts are sized from measured
 * times on the busy 2-core CI machine, with a margin of 4× or more (docs/development.md).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // DuckDB and the CLI end-to-end tests are CPU-bound; two workers match the CI machine.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: [
            'test/unit/**/*.test.ts',
            'test/infra/**/*.test.ts',
            'test/integration/**/*.test.ts',
            'test/e2e/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/full/**/*.test.ts', 'test/bench/**/*.test.ts'],
          fileParallelism: false,
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['functions/engine/**/*.ts'],
      reporter: ['text-summary'],
      // A floor under the pure engine's coverage by the suite (measured: lines 99.6 %, functions 98.5 %, branches 90.7 %): a KPI or rule left untested fails it.
      thresholds: { lines: 97, functions: 96, branches: 88, statements: 97 },
    },
  },
});
