import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Costs of the period per ticket resolved. */
export const costPerResolution: KpiDefinition = {
  id: 'cost_per_resolution',
  name: { fr: 'Coût par résolution', en: 'Cost per resolution' },
  unit: 'currency',
  better: 'lower',
  family: 'finance',
  compute: ({ costs, totals }) => (costs === null ? NO_DATA : ratio(costs, totals.tickets_resolved)),
};
