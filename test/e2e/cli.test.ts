import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { dayPeriod } from '../../functions/engine/periods.js';
import { type Report, reportSchema } from '../../functions/engine/report.js';
import { rawRecords } from '../support/raw-records.js';

const exec = promisify(execFile);
const VIGIE = join(import.meta.dirname, '..', '..', 'bin', 'vigie.mjs');
const vigie = (...args: string[]) => exec(process.execPath, [VIGIE, ...args], { maxBuffer: 16 * 1024 * 1024 });
// A Monday; its 3-day lookback window reaches back over the spring DST Sunday (a 23-hour day in Paris).
const DATE = '2026-03-30';

let work: string;
let exportsRoot: string;
let out: string;
let stdout: string;
let report: Report;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigie-e2e-'));
  exportsRoot = join(work, 'exports');
  out = join(work, 'out');
  await vigie('sample', '--out', exportsRoot, '--days', '5', '--end', '2026-03-31', '--seed', '7');
  ({ stdout } = await vigie('run', '--exports', exportsRoot, '--date', DATE, '--out', out));
  report = JSON.parse(await readFile(join(out, 'reports', 'day', DATE, 'report.json'), 'utf8')) as Report;
}, 180_000);

describe('vigie run on a generated sample', () => {
  it('prints where report.json, the HTML scorecard and the .eml landed', () => {
    expect(stdout).toContain(join('reports', 'day', DATE, 'report.json'));
    expect(stdout).toMatch(/scorecard\.fr\.html/);
    expect(stdout).toMatch(/outbox\/.+\.eml/);
    // What the same run would cost on Athena (its figures are checked against the stand-in in aws-handlers).
    expect(stdout).toMatch(/on Athena {4}\d+ queries would scan \d+\.\d MB, \$\d\.\d{4} \(predicted/);
  });

  it('writes a report.json that matches the docs/spec.md §4 schema, with all 39 KPIs for the centre and each team', async () => {
    expect(reportSchema.safeParse(report).error?.issues ?? []).toEqual([]);
    expect(report.period).toEqual({ kind: 'day', start: DATE, end: DATE, timezone: 'Europe/Paris' });
    const teams = report.scopes.filter((s) => s.scope.dimension === 'team');
    expect(teams.length).toBeGreaterThanOrEqual(3);
    for (const s of [report.scopes[0], ...teams]) expect(Object.keys(s?.kpis ?? {})).toHaveLength(39);
    expect(report.rejects.count).toBeGreaterThan(0); // the sample plants malformed records
    const csv = await readFile(join(out, 'reports', 'day', DATE, 'kpis.csv'), 'utf8');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(1 + 39 * report.scopes.length);
  });

  it('agrees with an independent recount of the raw exports (offered, handled, answer rate, FCR)', async () => {
    // Prepare: the good records of the day's partitions, deduplicated as docs/spec.md §1 says.
    const period = dayPeriod(DATE, 'Europe/Paris');
    const rejected = new Set<string>();
    for (const kind of ['contacts']) {
      for (const dt of ['2026-03-29', '2026-03-30']) {
        const text = await readFile(join(out, 'rejects', kind, `dt=${dt}`, 'rejects.ndjson'), 'utf8').catch(() => '');
        for (const line of text.split('\n').filter(Boolean)) {
          const r = JSON.parse(line) as { file: string; line: number };
          rejected.add(`${r.file}:${r.line}`);
        }
      }
    }
    const latest = new Map<string, Record<string, unknown>>();
    const stamp = (r: Record<string, unknown>) =>
      typeof r.updated_at === 'string' ? Date.parse(r.updated_at) : Number.NEGATIVE_INFINITY;
    for (const { file, line, record } of await rawRecords(exportsRoot, 'contacts', ['2026-03-29', '2026-03-30'])) {
      if (rejected.has(`${file}:${line}`)) continue;
      const id = String(record.id);
      const seen = latest.get(id);
      if (seen === undefined || stamp(record) >= stamp(seen)) latest.set(id, record);
    }
    // Act: recount by hand.
    let offered = 0;
    let handled = 0;
    let fcrSet = 0;
    let fcrTrue = 0;
    for (const c of latest.values()) {
      const t = Date.parse(String(c.offered_at)) / 1000;
      if (t < period.start || t >= period.end) continue;
      if (typeof c.resolved_first_contact === 'boolean') {
        fcrSet++;
        if (c.resolved_first_contact) fcrTrue++;
      }
      if (c.direction !== 'inbound' || (c.channel !== 'voice' && c.channel !== 'chat')) continue;
      offered++;
      const outcome = c.outcome ?? (c.answered_at ? 'handled' : 'abandoned');
      if (outcome === 'handled') handled++;
    }
    // Assess
    const centre = report.scopes[0]?.kpis;
    expect(offered).toBeGreaterThan(100);
    expect(centre?.contacts_offered?.value).toBe(offered);
    expect(centre?.contacts_handled?.value).toBe(handled);
    expect(centre?.answer_rate?.value).toBeCloseTo(handled / offered, 12);
    expect(centre?.fcr).toMatchObject({ numerator: fcrTrue, denominator: fcrSet });
  });

  it('leaves an .eml that parses into HTML and plain-text parts with a UTF-8 subject', async () => {
    const outbox = join(out, 'outbox');
    const [name] = await readdir(outbox);
    expect(name).toMatch(/\.eml$/);
    const mail = await simpleParser(await readFile(join(outbox, name ?? '')));
    expect(mail.subject).toMatch(/Vigie/);
    expect(mail.html).toBeTruthy();
    expect(mail.text?.length ?? 0).toBeGreaterThan(100);
    expect(mail.messageId).toBeTruthy();
    expect(mail.date).toBeInstanceOf(Date);
  });
});

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
    expect(first.stdout).toMatch(/backfill 2026-03-27 → 2026-03-31: \d+ days filed, \d+ already done/);
    const again = await backfill();
    expect(again.stdout).toContain('0 days filed, 5 already done, 0 export bytes read');
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

describe('vigie usage errors', () => {
  it.each([
    [['run', '--exports', '/nonexistent/vigie', '--date', DATE], /exports root not found: \/nonexistent\/vigie/],
    [['run', '--exports', '.', '--date', '2026-13-01'], /not a date: 2026-13-01/],
    [
      ['backfill', '--exports', '.', '--from', DATE, '--to', DATE, '--days-per-stage', '0'],
      /--days-per-stage <n>.*not a positive integer: 0/,
    ],
    [
      ['run', '--exports', '.', '--date', DATE, '--config', '/nonexistent.yaml'],
      /cannot read config \/nonexistent\.yaml/,
    ],
  ])('exits non-zero with one line naming the problem: %j', async (args, message) => {
    const failure = await vigie(...args).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(message);
  });

  it('fails with one line and sends nothing for a day whose exports never arrived', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'vigie-no-exports-'));
    const failure = await vigie('run', '--exports', exportsRoot, '--date', '2026-04-20', '--out', empty).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toMatch(/^vigie: run failed: no exports for 2026-04-20: /);
    expect(await readdir(empty).catch(() => [])).not.toContain('outbox');
  });

  it('names the key of an invalid config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigie-config-'));
    const file = join(dir, 'vigie.yaml');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'targets:\n  fcr: { target: 120 }\n'));
    const failure = await vigie('run', '--exports', exportsRoot, '--date', DATE, '--config', file).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr.trim()).toBe(`vigie: ${file}: targets.fcr.target: 120 is outside 0–100 for a KPI in %`);
  });

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

  it('documents every flag in --help', async () => {
    const { stdout: help } = await vigie('run', '--help');
    for (const flag of ['--exports', '--date', '--config', '--out']) expect(help).toContain(flag);
  });
});
