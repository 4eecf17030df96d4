/**
 * The `vigie` jobs beyond one night, as a user runs them on a generated sample: a weekly digest, a
 * resumable backfill (also a few days per stage), and `vigie compact`.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../../functions/engine/report-schema.js';
import { SAMPLE_RUN_DATE as DATE, sampleRun, vigie } from '../../support/cli.js';

let work: string;
let exportsRoot: string;
let out: string;
let report: Report;

beforeAll(async () => {
  ({ work, exportsRoot, out, report } = await sampleRun());
}, 180_000);

describe('vigie digest and backfill on the sample', () => {
  it('rolls a week up from daily facts and says which days the sample does not cover', async () => {
    // The sample covers 27–31 March; ISO week 13 runs Monday 23 to Sunday 29 March.
    const { stdout: printed } = await vigie('digest', '--exports', exportsRoot, '--week', '2026-W13', '--out', out);
    expect(printed).toContain(join('reports', 'week', '2026-W13', 'report.json'));
    const week = JSON.parse(await readFile(join(out, 'reports', 'week', '2026-W13', 'report.json'), 'utf8')) as Report;
    expect(reportSchema.safeParse(week).success).toBe(true);
    expect(week.period).toMatchObject({ kind: 'week', start: '2026-03-23', end: '2026-03-29' });
    expect(week.missing_days).toEqual(['2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26']);
    expect(printed).toContain('missing days 2026-03-23, 2026-03-24, 2026-03-25, 2026-03-26');
  });

  it('backfills missing days once, then skips them on a re-run (resumable), printing plain progress lines', async () => {
    const backfill = () =>
      vigie('backfill', '--exports', exportsRoot, '--from', '2026-03-27', '--to', '2026-03-31', '--out', out);
    const first = await backfill();
    expect(first.stdout).toMatch(
      /backfill 2026-03-27 → 2026-03-31: \d+ days filed \(\d+ restated from changed exports\), \d+ already done/,
    );
    const again = await backfill();
    expect(again.stdout).toContain(
      '0 days filed (0 restated from changed exports), 5 already done, 0 export bytes read',
    );
  });

  it('stages as many days at once as --days-per-stage says, and files the same facts', async () => {
    const staged = join(work, 'out-by-2');
    const { stdout: printed } = await vigie(
      ...['backfill', '--exports', exportsRoot, '--from', '2026-03-27', '--to', '2026-03-31'],
      ...['--out', staged, '--days-per-stage', '2'],
    );
    // One progress line per stage: 2 + 2 + 1 days.
    expect(printed.match(/^ {2}backfill \d\/5 days/gm)).toEqual([
      '  backfill 2/5 days',
      '  backfill 4/5 days',
      '  backfill 5/5 days',
    ]);
    // The SQL returns rows in no fixed order: every list is compared as a sorted one.
    const unordered = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map((v) => JSON.stringify(unordered(v))).sort()
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unordered(v)]))
          : value;
    for (const date of ['2026-03-27', '2026-03-29', '2026-03-31']) {
      const facts = async (root: string) =>
        unordered(
          JSON.parse(gunzipSync(await readFile(join(root, 'facts', `dt=${date}`, 'facts.json.gz'))).toString()),
        );
      expect(await facts(staged)).toEqual(await facts(out));
    }
  });
});

describe('vigie compact', () => {
  it('compacts partitions with vigie compact, then reports the same day from them', async () => {
    // Prepare: a fresh output folder, so the run below reads only what `compact` wrote.
    const fresh = await mkdtemp(join(tmpdir(), 'vigie-compact-'));
    // Act
    const args = ['compact', '--exports', exportsRoot, '--from', '2026-03-26', '--to', '2026-03-31', '--out', fresh];
    const { stdout: compacted } = await vigie(...args);
    const again = await vigie(...args);
    await vigie('run', '--exports', exportsRoot, '--date', DATE, '--out', fresh);
    // Assess
    expect(compacted).toMatch(/^ {2}contacts +\d+ partitions {2}\d+\.\d MB of exports → \d+\.\d MB of Parquet$/m);
    expect(compacted).toMatch(/compact 2026-03-26 → 2026-03-31: [1-9]\d* partitions compacted .*, 0 already compacted/);
    expect(again.stdout).toMatch(/: 0 partitions compacted \(0\.0 MB → 0\.0 MB\), [1-9]\d* already compacted/);
    const manifest = JSON.parse(await readFile(join(fresh, 'compacted', 'contacts', '_partitions.json'), 'utf8'));
    expect(Object.keys(manifest.partitions)).toContain('2026-03-29');
    const fromCompacted = JSON.parse(await readFile(join(fresh, 'reports', 'day', DATE, 'report.json'), 'utf8'));
    // The same figures; only the time and the backfill command (it names its own --out) differ.
    const { generated_at: _a, trend_gaps: gapsA, ...mine } = fromCompacted as Report;
    const { generated_at: _b, trend_gaps: gapsB, ...theirs } = report as Report;
    expect(mine).toEqual(theirs);
    expect({ ...gapsA, command: '' }).toEqual({ ...gapsB, command: '' });
  });

  it('refuses an unknown kind to compact with one line naming the flag', async () => {
    const failure = await vigie(
      'compact',
      '--exports',
      exportsRoot,
      '--from',
      '2026-03-26',
      '--to',
      '2026-03-31',
      '--kinds',
      'tickets,calls',
    ).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr.trim()).toMatch(/^vigie: --kinds: unknown kind calls \(expected some of contacts, /);
  });
});
