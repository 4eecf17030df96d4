import { type KpiDefinition, ratio } from '../kpi.js';

/** Average handling time: (talk + hold + ACW) per handled contact, in seconds. */
export const aht: KpiDefinition = {
  id: 'aht',
  name: { fr: 'Durée moyenne de traitement (DMT)', en: 'Average handling time' },
  unit: 's',
  better: 'lower',
  family: 'handling',
  compute: ({ totals }) =>
    // Divided by every handled contact: the SQL counts a missing hold or ACW as 0 (docs/spec.md §3).
    ratio(totals.talk_sum + totals.hold_sum + totals.acw_sum, totals.handled),
};
