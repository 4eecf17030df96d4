/**
 * Puts a report beside earlier ones: the previous period's value and the change (points for `%` and
 * `pts` KPIs, unit and percent otherwise), the same period last year, and for a day the same weekday a
 * week earlier. The centre's trailing series are in `trends.ts`.
 */
import { kpiById } from './catalogue.js';
import { compareKpi } from './delta.js';
import type { Report } from './report-schema.js';
import { scopeKey } from './scope.js';

type KpiTable = Report['scopes'][number]['kpis'];

function byScope(report: Report | null): Map<string, KpiTable> {
  return new Map((report?.scopes ?? []).map((s) => [scopeKey(s.scope), s.kpis]));
}

/**
 * The report with `previous`, `delta`, `delta_percent` and `last_year` filled from earlier reports, and
 * for a day `same_weekday_last_week` (a Monday is busier than a Sunday, so a day also needs that one).
 */
export function withComparisons(
  report: Report,
  previous: Report | null,
  lastYear: Report | null,
  weekAgo: Report | null = null,
): Report {
  const before = byScope(previous);
  const yearAgo = byScope(lastYear);
  const lastWeek = byScope(weekAgo);
  return {
    ...report,
    scopes: report.scopes.map((s) => {
      const key = scopeKey(s.scope);
      const kpis: KpiTable = {};
      for (const [id, entry] of Object.entries(s.kpis)) {
        const unit = kpiById(id)?.unit ?? 'count';
        const c = compareKpi(unit, entry.value, before.get(key)?.[id]?.value ?? null);
        kpis[id] = {
          ...entry,
          previous: c.previous,
          delta: c.delta,
          delta_percent: c.deltaPercent,
          ...(lastYear !== null ? { last_year: yearAgo.get(key)?.[id]?.value ?? null } : {}),
          ...(weekAgo !== null ? { same_weekday_last_week: lastWeek.get(key)?.[id]?.value ?? null } : {}),
        };
      }
      return { ...s, kpis };
    }),
  };
}
