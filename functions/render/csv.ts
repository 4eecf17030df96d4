/**
 * The report as CSV, one row per scope × KPI, for analysts who open the archive in a spreadsheet: value,
 * target, previous value and change in the KPI's display unit (a rate in percent, its change in points),
 * rounded as the scorecard shows them, the unit in a column of its own. Written in the locale of the
 * config's first recipient (docs/spec.md §4): for `fr`, `;` between cells, a decimal comma and a UTF-8
 * BOM, which is what French spreadsheet software expects to open a file in columns. Text cells that a
 * spreadsheet would run as a formula (= + - @, tab, CR) are neutralised with a leading apostrophe.
 */
import { kpiById } from '../engine/catalogue.js';
import { compareKpi } from '../engine/delta.js';
import type { Locale } from '../engine/format.js';
import type { Unit } from '../engine/kpi.js';
import type { Report } from '../engine/report-schema.js';

const COLUMNS = [
  'dimension',
  'scope',
  'kpi',
  'name',
  'value',
  'unit',
  'target',
  'previous',
  'delta',
  'delta_unit',
  'delta_percent',
  'status',
  'numerator',
  'denominator',
];

/** How each locale writes a CSV file: cell separator, decimal mark, byte order mark. */
const DIALECT: Readonly<
  Record<Locale, { readonly separator: string; readonly decimal: string; readonly bom: string }>
> = {
  fr: { separator: ';', decimal: ',', bom: '\ufeff' },
  en: { separator: ',', decimal: '.', bom: '' },
};

/** A text cell that cannot start a formula, quoted when it holds the separator, a quote or a line break. */
export function textCell(text: string, separator = ','): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return safe.includes(separator) || /["\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Decimals the scorecard shows a value of each unit with (a rate in percent). */
const DECIMALS: Readonly<Record<Unit, number>> = { '%': 1, pts: 0, s: 0, count: 0, currency: 2, score: 1 };
/** Decimals of a change: points of a rate with one decimal ("−2,0 pts"), the rest as their values. */
const DELTA_DECIMALS: Readonly<Record<Unit, number>> = { '%': 1, pts: 1, s: 0, count: 0, currency: 2, score: 1 };

/** A number as a spreadsheet reads it in the locale: fixed decimals, no thousands separator, ASCII minus. */
function numberCell(n: number | null, decimals: number, decimal: string): string {
  if (n === null || !Number.isFinite(n)) return '';
  const text = n.toFixed(decimals);
  // −0.0 after rounding reads as a change where there is none.
  const zeroed = /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
  return zeroed.replace('.', decimal);
}

/** Every KPI of every scope of a report, as CSV text (RFC 4180 quoting, CRLF line ends) in a locale. */
export function reportCsv(report: Report, locale: Locale = 'en', currency = 'EUR'): string {
  const { separator, decimal, bom } = DIALECT[locale];
  const text = (s: string): string => textCell(s, separator);
  const rows = [COLUMNS.join(separator)];
  for (const { scope, kpis } of report.scopes) {
    for (const [id, e] of Object.entries(kpis)) {
      const kpi = kpiById(id);
      const unit: Unit = kpi?.unit ?? 'count';
      const shown = (v: number | null): number | null => (v === null ? null : unit === '%' ? v * 100 : v);
      const { deltaPercent } = compareKpi(unit, e.value, e.previous);
      const delta = e.delta ?? compareKpi(unit, e.value, e.previous).delta;
      const inPoints = unit === '%' || unit === 'pts';
      const unitName = unit === 'currency' ? currency : unit;
      rows.push(
        [
          text(scope.dimension),
          text(scope.value ?? ''),
          text(id),
          text(kpi?.name[locale] ?? id),
          numberCell(shown(e.value), DECIMALS[unit], decimal),
          text(unitName),
          numberCell(shown(e.target), DECIMALS[unit], decimal),
          numberCell(shown(e.previous), DECIMALS[unit], decimal),
          numberCell(delta, DELTA_DECIMALS[unit], decimal),
          delta === null ? '' : text(inPoints ? 'pts' : unitName),
          numberCell(inPoints ? null : (e.delta_percent ?? deltaPercent), 1, decimal),
          text(e.status),
          numberCell(e.numerator, 2, decimal).replace(/[.,]00$/, ''),
          numberCell(e.denominator, 2, decimal).replace(/[.,]00$/, ''),
        ].join(separator),
      );
    }
  }
  return `${bom}${rows.join('\r\n')}\r\n`;
}
