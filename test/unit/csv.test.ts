import { describe, expect, it } from 'vitest';
import { NO_DATA_ENTRY, type Report } from '../../functions/engine/report-schema.js';
import { reportCsv, textCell } from '../../functions/render/csv.js';

describe('CSV export of a report', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+33 1 23', "'+33 1 23"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['Équipe Sud, Lyon', '"Équipe Sud, Lyon"'],
    ['Nord', 'Nord'],
  ])('neutralises a formula or quotes a text cell: %j', (text, expected) => {
    expect(textCell(text)).toBe(expected);
  });

  it('writes one row per scope × KPI, numbers as numbers (negative deltas stay numbers), nulls empty', () => {
    const report = {
      scopes: [
        {
          scope: { dimension: 'all', value: null },
          kpis: { fcr: { ...NO_DATA_ENTRY, value: 0.76, status: 'ok', previous: 0.78, delta: -2 } },
        },
        { scope: { dimension: 'team', value: '=cmd|calc' }, kpis: { fcr: { ...NO_DATA_ENTRY } } },
      ],
    } as unknown as Report;
    expect(reportCsv(report).split('\r\n')).toEqual([
      'dimension,scope,kpi,value,numerator,denominator,target,status,previous,delta',
      'all,,fcr,0.76,,,,ok,0.78,-2',
      "team,'=cmd|calc,fcr,,,,,no_data,,",
      '',
    ]);
  });
});
