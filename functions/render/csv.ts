/**
 * The report as CSV, one row per scope × KPI, for analysts who open the archive in a spreadsheet.
 * Text cells that a spreadsheet would run as a formula (= + - @, tab, CR) are neutralised with a
 * leading apostrophe; numbers are written as plain numbers with a dot decimal.
 */
import type { Report } from '../engine/report-schema.js';

const COLUMNS = [
  'dimension',
  'scope',
  'kpi',
  'value',
  'numerator',
  'denominator',
  'target',
  'status',
  'previous',
  'delta',
];

/** A text cell that cannot start a formula, quoted when it holds a comma, quote or line break. */
export function textCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const numberCell = (n: number | null): string => (n === null ? '' : String(n));

/** Every KPI of every scope of a report, as CSV text (RFC 4180, CRLF line ends). */
export function reportCsv(report: Report): string {
  const rows = [COLUMNS.join(',')];
  for (const { scope, kpis } of report.scopes) {
    for (const [id, e] of Object.entries(kpis)) {
      rows.push(
        [
          textCell(scope.dimension),
          textCell(scope.value ?? ''),
          textCell(id),
          numberCell(e.value),
          numberCell(e.numerator),
          numberCell(e.denominator),
          numberCell(e.target),
          textCell(e.status),
          numberCell(e.previous),
          numberCell(e.delta),
        ].join(','),
      );
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
