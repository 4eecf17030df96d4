import { type KpiDefinition, ratio } from '../kpi.js';

/** Share of tickets resolved in the period with a single contact. */
export const oneTouchRate: KpiDefinition = {
  id: 'one_touch_rate',
  name: { fr: 'Résolution en un seul échange', en: 'One-touch resolution rate' },
  definition: {
    fr: 'Tickets résolus en un seul contact ÷ tickets résolus.',
    en: 'Tickets resolved with one contact ÷ tickets resolved.',
  },
  unit: '%',
  better: 'higher',
  family: 'resolution',
  compute: ({ totals }) => ratio(totals.tickets_resolved_one_touch, totals.tickets_resolved),
};
