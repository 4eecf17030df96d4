import { type KpiDefinition, ratio } from '../kpi.js';

/** Share of tickets resolved in the period with a single contact. */
export const oneTouchRate: KpiDefinition = {
  id: 'one_touch_rate',
  name: { fr: 'Résolution en un seul échange', en: 'One-touch resolution rate' },
  unit: '%',
  better: 'higher',
  family: 'resolution',
  compute: ({ totals }) => ratio(totals.tickets_resolved_one_touch, totals.tickets_resolved),
};
