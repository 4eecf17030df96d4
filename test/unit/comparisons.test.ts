import { describe, expect, it } from 'vitest';
import { withComparisons } from '../../functions/engine/comparisons.js';
import { NO_DATA_ENTRY, type Report } from '../../functions/engine/report-schema.js';
import { bareReport } from '../fixtures/reports.js';

const report = (start: string, fcr: number | null, offered: number, team = true): Report => {
  const r = bareReport({ kind: 'day', start }, { fcr: { value: fcr }, contacts_offered: { value: offered } });
  const sud = { scope: { dimension: 'team' as const, value: 'Sud' }, kpis: { fcr: { ...NO_DATA_ENTRY, value: 0.5 } } };
  return { ...r, scopes: [...r.scopes, ...(team ? [sud] : [])] };
};

describe('comparisons', () => {
  it('gives % deltas in points and count deltas in unit and percent, per scope', () => {
    // FCR 78 % → 76 %: −2 points. Offered 200 → 250: +50, +25 %.
    const compared = withComparisons(
      report('2026-11-24', 0.76, 250),
      report('2026-11-23', 0.78, 200),
      null,
      report('2026-11-17', 0.7, 240),
    );
    const centre = compared.scopes[0]?.kpis;
    expect(centre?.fcr).toMatchObject({
      value: 0.76,
      previous: 0.78,
      delta: -2,
      delta_percent: null,
      same_weekday_last_week: 0.7,
    });
    expect(centre?.contacts_offered).toMatchObject({ previous: 200, delta: 50, delta_percent: 25 });
    expect(centre?.fcr?.last_year).toBeUndefined(); // no year-ago report: the field is left out, not invented
    expect(compared.scopes[1]?.kpis.fcr).toMatchObject({ previous: 0.5, delta: 0 });
  });

  it('leaves previous and delta null when the earlier period has no value or no such scope', () => {
    const compared = withComparisons(report('2026-11-24', 0.76, 10), report('2026-11-23', null, 0, false), null);
    expect(compared.scopes[0]?.kpis.fcr).toMatchObject({ previous: null, delta: null });
    expect(compared.scopes[1]?.kpis.fcr).toMatchObject({ previous: null, delta: null });
  });
});
