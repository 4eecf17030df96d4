import { type KpiDefinition, ratio } from '../kpi.js';

/** Employee satisfaction: share of esat answers in the top two points of their scale. */
export const esat: KpiDefinition = {
  id: 'esat',
  name: { fr: 'Satisfaction des employés', en: 'Employee satisfaction' },
  unit: '%',
  better: 'higher',
  family: 'satisfaction',
  compute: ({ totals }) => ratio(totals.esat_top2, totals.esat_n),
};
