import { type KpiDefinition, ratio } from '../kpi.js';

/** Customer Effort Score: mean ces score (1–7, higher = easier). */
export const ces: KpiDefinition = {
  id: 'ces',
  name: { fr: 'Customer Effort Score (CES)', en: 'Customer Effort Score (CES)' },
  unit: 'score',
  better: 'higher',
  family: 'satisfaction',
  compute: ({ totals }) => ratio(totals.ces_sum, totals.ces_n),
};
