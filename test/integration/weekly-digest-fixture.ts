/**
 * A synthetic weekly digest for size and layout tests: the day fixture's centre figures turned into ISO
 * week 2026-W47, 20 teams each with every KPI of the catalogue, and 12-week trailing series for every
 * KPI (a gap in one), so every headline tile and KPI row carries a sparkline; team Sud's FCR fell 2 points
 * and the report carries that alert, with its kind and numbers; the engine picks the notable changes.
 */
import { configFrom } from '../../functions/adapters/config-file.js';
import { CATALOGUE } from '../../functions/engine/catalogue.js';
import { notableChanges } from '../../functions/engine/notable-changes.js';
import { type KpiEntry, type Report, reportSchema } from '../../functions/engine/report-schema.js';
import { reportDay } from '../fixtures/report-day.js';
import { reportAlert } from '../fixtures/reports.js';

/** Twenty team names, some long, some accented, as a real centre has. */
export const TEAMS = [
  'Nord',
  'Sud',
  'Est',
  'Ouest',
  'Digital',
  'Fidélisation',
  'Recouvrement',
  'Entreprises',
  'Particuliers Île-de-France',
  'VIP',
  'Réclamations',
  'Support technique niveau 2',
  'Facturation',
  'Ventes',
  'Relance',
  'Nuit',
  'Week-end',
  'Réseaux sociaux',
  'Chat',
  'Back-office',
] as const;

const WEEKS = Array.from({ length: 12 }, (_, i) => `2026-W${36 + i}`);

const scaled = (entry: KpiEntry, factor: number): KpiEntry => {
  const scale = (v: number | null): number | null => (v === null ? null : Math.round(v * factor * 1000) / 1000);
  return {
    ...entry,
    value: scale(entry.value),
    previous: scale(entry.previous),
    ...(entry.items ? { items: entry.items } : {}),
  };
};

/** A fresh copy of the 20-team weekly digest, checked against the report.json schema. */
export function weeklyDigest(): Report {
  const day = reportDay();
  const centre = day.scopes.find((s) => s.scope.dimension === 'all');
  if (centre === undefined) throw new Error('the day fixture has no centre scope');
  // Shares must stay in 0..1 and percentages below 100 %: factors stay within ±10 %.
  const teams = TEAMS.map((team, i) => ({
    scope: { dimension: 'team' as const, value: team },
    kpis: Object.fromEntries(
      Object.entries(centre.kpis).map(([id, e]) => {
        const unit = CATALOGUE.find((k) => k.id === id)?.unit;
        const factor = 0.9 + ((i * 7) % 20) / 100;
        return [id, unit === '%' && (e.value ?? 0) * factor > 1 ? e : scaled(e, factor)];
      }),
    ),
  }));
  const series: Report['series'] = {};
  for (const kpi of CATALOGUE) {
    if (kpi.breakdown) continue;
    const value = centre.kpis[kpi.id]?.value ?? null;
    series[kpi.id] = WEEKS.map((period, w) => ({
      period,
      // One week without data (a gap in the line), and wobbles around the current value.
      value:
        value === null || w === 8 ? null : Math.round(value * (1 + Math.sin(w + kpi.id.length) / 12) * 1000) / 1000,
    }));
  }
  // Team Sud's FCR fell 2 points, as the alert below says.
  const sud = teams[1];
  const fcr = sud?.kpis.fcr;
  if (sud !== undefined && fcr !== undefined) sud.kpis.fcr = { ...fcr, value: 0.76, previous: 0.78, delta: -2 };
  const report: Report = {
    ...day,
    period: { kind: 'week', start: '2026-11-16', end: '2026-11-22', timezone: 'Europe/Paris' },
    scopes: [centre, ...teams],
    alerts: [
      reportAlert({
        scope: { dimension: 'team', value: 'Sud' },
        message: '[Équipe Sud] Le FCR a baissé de 2 points, à 76 %',
      }),
    ],
    series,
  };
  return reportSchema.parse({ ...report, changes: notableChanges(report, configFrom(undefined)) });
}
