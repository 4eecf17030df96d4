/**
 * What a newcomer gets from `npm start`, run as they run it (`vigie start` on a fresh 120-day sample),
 * then the monthly digest of the last complete month: the weekly digest draws 12 weeks of trend with no
 * gap, the day report 28 days without its weekends, the monthly digest 13 months with the months before
 * the sample named as gaps; every scorecard opens with what changed; the mail is from "Vigie — <centre>";
 * kpis.csv opens in French spreadsheet software; the monthly contact rate is a contact rate.
 * Heavy (a few minutes): `npm run test:e2e`, not `npm test`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Report, reportSchema } from '../../../functions/engine/report-schema.js';

const exec = promisify(execFile);
const VIGIE = join(import.meta.dirname, '..', '..', '..', 'bin', 'vigie.mjs');
const vigie = (cwd: string, ...args: string[]) =>
  exec(process.execPath, [VIGIE, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });

let work: string;
let stdout: string;
let endDate: string;
let day: Report;
let week: Report;
let month: Report;
let weekFolder: string;

const read = async (path: string): Promise<Report> => reportSchema.parse(JSON.parse(await readFile(path, 'utf8')));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'vigie-start-'));
  ({ stdout } = await vigie(work, 'start'));
  ({ endDate } = JSON.parse(await readFile(join(work, 'samples', 'exports', '_SAMPLE.json'), 'utf8')) as {
    endDate: string;
  });
  const reports = join(work, 'out', 'reports');
  day = await read(join(reports, 'day', endDate, 'report.json'));
  const [weekId] = (await readdir(join(reports, 'week'))).sort().slice(-1);
  weekFolder = join(reports, 'week', weekId ?? '');
  week = await read(join(weekFolder, 'report.json'));
  // The last complete month of the sample, rolled up from the store (its days were filed by start).
  const lastMonth = DateTime.fromISO(endDate).startOf('month').minus({ months: 1 }).toFormat('yyyy-MM');
  await vigie(work, 'digest', '--exports', 'samples/exports', '--month', lastMonth);
  month = await read(join(reports, 'month', lastMonth, 'report.json'));
}, 900_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('npm start, then a monthly digest', () => {
  it('files the 12 weeks of the weekly trend first', () => {
    expect(stdout).toMatch(/filed \d+ days \(\d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2}\) for the 12-week trend/);
  });

  it('draws the weekly digest’s 12 weeks, all from the store, ending with its own', () => {
    const series = week.series.answer_rate ?? [];
    expect(series).toHaveLength(12);
    expect(series.every((p) => p.value !== null)).toBe(true);
    expect(series.at(-1)?.value).toBe(week.scopes[0]?.kpis.answer_rate?.value);
    expect(week.trend_gaps).toBeUndefined();
  });

  it('draws the day report’s last 28 days without their Saturdays and Sundays', () => {
    const series = day.series.contacts_offered ?? [];
    // Business days are Monday to Friday (the default config): 20 of any 28 consecutive days.
    expect(series).toHaveLength(20);
    for (const p of series) expect(DateTime.fromISO(p.period).weekday).toBeLessThanOrEqual(5);
  });

  it('draws the monthly digest’s 13 months, naming the months before the sample as gaps with the command', () => {
    const series = month.series.answer_rate ?? [];
    expect(series).toHaveLength(13);
    expect(series.at(-1)?.value).not.toBeNull();
    expect(month.trend_gaps?.command).toMatch(
      /^vigie backfill --exports samples\/exports --from \d{4}-\d{2}-\d{2} --to /,
    );
  });

  it('reads a monthly contact rate as contacts per customer, not 182 %', () => {
    // contact_rate = inbound contacts ÷ active customers (docs/spec.md §3). A consumer service sees
    // 10–40 % a month; the old sample, with a tenth of the customers, read 182 %.
    const rate = month.scopes[0]?.kpis.contact_rate?.value ?? null;
    expect(rate).not.toBeNull();
    expect(rate).toBeGreaterThan(0.1);
    expect(rate).toBeLessThan(0.4);
  });

  it('opens every scorecard with what changed, before the figures, and records the changes in report.json', async () => {
    for (const r of [day, week, month]) expect(r.changes).toBeDefined();
    const eml = (await readdir(join(work, 'out', 'outbox'))).find(
      (f) => f.startsWith('week-') && f.includes('-scorecard-'),
    );
    const mail = await simpleParser(await readFile(join(work, 'out', 'outbox', eml ?? '')));
    const html = typeof mail.html === 'string' ? mail.html : '';
    expect(html.indexOf('Ce qui a changé')).toBeGreaterThan(0);
    expect(html.indexOf('Ce qui a changé')).toBeLessThan(html.indexOf('L’essentiel'));
    expect(mail.from?.value[0]).toEqual({ name: 'Vigie — Centre de relation client', address: 'vigie@example.com' });
  });

  it('writes kpis.csv for French spreadsheets, and the KPI definitions beside the archive', async () => {
    const csv = await readFile(join(weekFolder, 'kpis.csv'), 'utf8');
    expect(csv.startsWith('\ufeffdimension;scope;kpi;name;value;unit;')).toBe(true);
    const page = await readFile(join(weekFolder, 'scorecard.fr.html'), 'utf8');
    expect(page).toContain('href="../../definitions.fr.html#kpi-service_level"');
    const glossary = await readFile(join(work, 'out', 'reports', 'definitions.fr.html'), 'utf8');
    expect(glossary).toContain('Niveau de service (en 20');
  });
});
