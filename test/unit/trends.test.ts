import { describe, expect, it } from 'vitest';
import { configFrom } from '../../functions/adapters/config-file.js';
import type { Report } from '../../functions/engine/report-schema.js';
import { centreSeries, isBusinessDay, noContactOffered, trendGaps } from '../../functions/engine/trends.js';
import { bareReport } from '../fixtures/reports.js';

const report = (fcr: number | null, offered: number | null): Report =>
  bareReport({ kind: 'day', start: '2026-11-23' }, { fcr: { value: fcr }, contacts_offered: { value: offered } });

describe('trends', () => {
  it('draws a period the store lacks as a gap, and leaves a closed day off the line', () => {
    const series = centreSeries([
      { period: '2026-11-20', report: report(0.78, 1800) },
      { period: '2026-11-21', report: null, closed: true },
      { period: '2026-11-22', report: report(null, 0), closed: true },
      { period: '2026-11-23', report: null },
      { period: '2026-11-24', report: report(0.76, 1900) },
    ]);
    expect(series.fcr).toEqual([
      { period: '2026-11-20', value: 0.78 },
      { period: '2026-11-23', value: null },
      { period: '2026-11-24', value: 0.76 },
    ]);
    expect(series.contacts_by_channel).toBeUndefined(); // breakdowns have no single value to plot
  });

  it('knows a closed day: outside the business days, or without a contact offered', () => {
    const config = configFrom(undefined); // business days Monday to Friday
    expect(isBusinessDay('2026-11-27', config)).toBe(true); // a Friday
    expect(isBusinessDay('2026-11-29', config)).toBe(false); // a Sunday
    expect(noContactOffered(report(null, 0))).toBe(true);
    expect(noContactOffered(report(0.7, 12))).toBe(false);
  });

  it('names the gaps with the first and last missing day and the command that files them', () => {
    const gaps = trendGaps(
      [
        { period: '2026-W37', missingDays: ['2026-09-08', '2026-09-07'] },
        { period: '2026-W39', missingDays: ['2026-09-25'] },
      ],
      (from, to) => `vigie backfill --exports x --from ${from} --to ${to}`,
    );
    expect(gaps).toEqual({
      periods: ['2026-W37', '2026-W39'],
      from: '2026-09-07',
      to: '2026-09-25',
      command: 'vigie backfill --exports x --from 2026-09-07 --to 2026-09-25',
    });
    expect(trendGaps([], () => '')).toBeNull();
  });
});
