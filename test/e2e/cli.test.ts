/** The `vigie` command as a user runs it: `run` on a generated sample, and its usage errors. */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { dayPeriod } from '../../functions/engine/periods.js';
import { type Report, reportSchema } from '../../functions/engine/report-schema.js';
import { SAMPLE_RUN_DATE as DATE, sampleRun, vigie } from '../support/cli.js';
import { rawRecords } from '../support/raw-records.js';

let exportsRoot: string;
let out: string;
let stdout: string;
let report: Report;

beforeAll(async () => {
  ({ exportsRoot, out, stdout, report } = await sampleRun());
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
      // docs/spec.md §1 (amended 2026-12-05): an absent outcome is handled when answered, else abandoned when
      // the contact names a queue or carries a wait, else deflected; only handled and abandoned were offered (§3).
      const outcome =
        c.outcome ?? (c.answered_at ? 'handled' : c.queue != null || c.wait_s != null ? 'abandoned' : 'deflected');
      if (outcome !== 'handled' && outcome !== 'abandoned') continue;
      offered++;
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

  it('documents every flag in --help', async () => {
    const { stdout: help } = await vigie('run', '--help');
    for (const flag of ['--exports', '--date', '--config', '--out']) expect(help).toContain(flag);
  });
});
