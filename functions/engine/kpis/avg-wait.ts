import { type KpiDefinition, ratio } from '../kpi.js';

/** Mean wait of offered contacts (handled and abandoned), in seconds. */
export const avgWait: KpiDefinition = {
  id: 'avg_wait',
  name: { fr: "Temps moyen d'attente", en: 'Average wait' },
  unit: 's',
  better: 'lower',
  family: 'service',
  compute: ({ totals }) => ratio(totals.offered_wait_sum, totals.offered_wait_n),
};
