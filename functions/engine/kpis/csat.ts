import { type KpiDefinition, ratio } from '../kpi.js';

/** Customer satisfaction: share of csat answers in the top two points of their scale. */
export const csat: KpiDefinition = {
  id: 'csat',
  name: { fr: 'Satisfaction client (CSAT)', en: 'Customer satisfaction (CSAT)' },
  unit: '%',
  better: 'higher',
  family: 'satisfaction',
  compute: ({ totals }) => ratio(totals.csat_top2, totals.csat_n),
};
