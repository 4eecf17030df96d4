/**
 * A crash at every write point of a nightly run, before and after the write took effect, then two
 * re-runs: see test/support/crash-scenario.ts. Minutes: the suite runs one write point of each kind
 * (test/integration/crash-recovery.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CrashScenario, type Reference } from '../../support/crash-scenario.js';

let scenario: CrashScenario;
let reference: Reference;

beforeAll(async () => {
  scenario = await CrashScenario.create();
  reference = await scenario.reference();
}, 120_000);

describe('a crash at any write point, then re-runs', () => {
  it.each(['before', 'after'] as const)(
    'recovers from a crash %s each write point',
    async (when) => {
      const failures: string[] = [];
      for (let at = 1; at <= reference.points.length; at++) {
        failures.push(...(await scenario.crashAndRecover(reference, at, when, { thirdRun: true })));
      }
      expect(failures).toEqual([]);
    },
    900_000,
  );
});
