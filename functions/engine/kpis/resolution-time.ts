import { type KpiDefinition, ratio } from '../kpi.js';

/** Mean time from creation to resolution of tickets resolved in the period, in seconds. */
export const resolutionTime: KpiDefinition = {
  id: 'resolution_time',
  name: { fr: 'Temps de résolution', en: 'Resolution time' },
  unit: 's',
  better: 'lower',
  family: 'resolution',
  compute: ({ totals }) => ratio(totals.resolution_time_sum, totals.tickets_resolved),
};
