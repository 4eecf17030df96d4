import { describe, expect, it } from 'vitest';
import { NO_DATA_ENTRY, type Report } from '../../functions/engine/report-schema.js';
import { reportCsv, textCell } from '../../functions/render/csv.js';

const report = {
  scopes: [
    {
      scope: { dimension: 'all', value: null },
      kpis: {
        // FCR 76 % (target 75 %), 78 % the period before: −2 points.
        fcr: {
          ...NO_DATA_ENTRY,
          value: 0.76,
          numerator: 380,
          denominator: 500,
          target: 0.75,
          status: 'ok',
          previous: 0.78,
          delta: -2,
        },
        // AHT 399.4 s, 411.2 s before: −11.8 s, −2.9 %; shown as whole seconds.
        aht: { ...NO_DATA_ENTRY, value: 399.4, status: 'ok', previous: 411.2, delta: -11.8, delta_percent: -2.8696 },
        cost_per_contact: { ...NO_DATA_ENTRY, value: 4.3712, status: 'ok' },
      },
    },
    { scope: { dimension: 'team', value: '=cmd|calc;x' }, kpis: { fcr: { ...NO_DATA_ENTRY } } },
  ],
} as unknown as Report;

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

  it('writes French for French readers: a BOM, ";" between cells, a decimal comma, values as displayed', () => {
    const csv = reportCsv(report, 'fr');
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'dimension;scope;kpi;name;value;unit;target;previous;delta;delta_unit;delta_percent;status;numerator;denominator',
      'all;;fcr;Résolution au premier contact (FCR);76,0;%;75,0;78,0;-2,0;pts;;ok;380;500',
      'all;;aht;Durée moyenne de traitement (DMT);399;s;;411;-12;s;-2,9;ok;;',
      'all;;cost_per_contact;Coût par appel;4,37;EUR;;;;;;ok;;',
      // A team named like a formula is neutralised, and quoted for holding the separator.
      `team;"'=cmd|calc;x";fcr;Résolution au premier contact (FCR);;%;;;;;;no_data;;`,
      '',
    ]);
  });

  it('writes English with commas and a decimal point, and no BOM', () => {
    const lines = reportCsv(report, 'en').split('\r\n');
    expect(lines[0]?.startsWith('dimension,scope,kpi,name,value,unit')).toBe(true);
    expect(lines[1]).toBe('all,,fcr,First contact resolution,76.0,%,75.0,78.0,-2.0,pts,,ok,380,500');
    expect(lines[4]).toBe("team,'=cmd|calc;x,fcr,First contact resolution,,%,,,,,,no_data,,");
  });
});
