import { type KpiDefinition, ratio } from '../kpi.js';

/** Average after-call work per handled contact, in seconds. */
export const avgAcw: KpiDefinition = {
  id: 'avg_acw',
  name: { fr: 'Post-appel', en: 'After-call work' },
  unit: 's',
  better: 'lower',
  family: 'handling',
  compute: ({ totals }) => ratio(totals.acw_sum, totals.handled),
};
