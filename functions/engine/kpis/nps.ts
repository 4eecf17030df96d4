import type { KpiDefinition } from '../kpi.js';

/** Net Promoter Score: % promoters − % detractors, in points from −100 to 100. */
export const nps: KpiDefinition = {
  id: 'nps',
  name: { fr: 'Net Promoter Score (NPS)', en: 'Net Promoter Score (NPS)' },
  unit: 'pts',
  better: 'higher',
  family: 'satisfaction',
  compute: ({ totals }) => {
    const net = totals.nps_promoters - totals.nps_detractors;
    const n = totals.nps_n;
    // In points, not a 0..1 ratio: an NPS is read as "+20", and its deltas are points too.
    return { value: n > 0 ? (100 * net) / n : null, numerator: net, denominator: n };
  },
};
