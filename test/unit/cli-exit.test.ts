/** The `vigie` command's exit statuses (docs/spec.md §4): 2 for what the user supplied, 1 for a failed run. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/adapters/config-file.js';
import { UsageError } from '../../functions/adapters/errors.js';
import { buildProgram, exitOf } from '../../functions/cli/main.js';

describe('exit statuses', () => {
  it('answers 2 with one line for a bad flag or config', () => {
    expect(exitOf(new UsageError('--from 2026-12-02 is after --to 2026-12-01'))).toEqual({
      code: 2,
      line: 'vigie: --from 2026-12-02 is after --to 2026-12-01',
    });
    expect(exitOf(new ConfigError('vigie.yaml: targets.fcr.target: 120 is outside 0–100')).code).toBe(2);
  });

  it('answers 1 for a bug, even one that throws a RangeError: it is never read as a bad flag', () => {
    expect(exitOf(new RangeError('Invalid array length\n    at foo'))).toEqual({
      code: 1,
      line: 'vigie: run failed: Invalid array length',
    });
    expect(exitOf(new TypeError('x is undefined')).code).toBe(1);
  });

  it('prints the package version for --version', async () => {
    const out: string[] = [];
    const program = buildProgram(
      (l) => out.push(l),
      () => undefined,
    );
    const thrown = await program.parseAsync(['--version'], { from: 'user' }).catch((e: unknown) => e);
    expect(exitOf(thrown).code).toBe(0);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(out).toEqual([pkg.version]);
  });

  it('answers 2 naming --ctr when the CTR folder does not exist, and for a sample with nowhere to go', async () => {
    const err: string[] = [];
    const run = async (...argv: string[]) =>
      exitOf(
        await buildProgram(
          () => undefined,
          (l) => err.push(l),
        )
          .parseAsync(argv, { from: 'user' })
          .catch((e: unknown) => e),
      );
    expect((await run('run', '--exports', '.', '--date', '2026-11-22', '--ctr', 'no/such/ctr')).code).toBe(2);
    expect(err.join('\n')).toContain("option '--ctr <dir>' argument 'no/such/ctr' is invalid. CTR folder not found");
    expect(await run('sample')).toEqual({
      code: 2,
      line: 'vigie: sample needs --out DIR (exports), --ctr DIR (Amazon Connect CTRs), or both',
    });
  });
});
