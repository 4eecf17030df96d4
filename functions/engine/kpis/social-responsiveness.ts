import { type KpiDefinition, ratio } from '../kpi.js';

/** Share of inbound social contacts answered within D. */
export const socialResponsiveness: KpiDefinition = {
  id: 'social_responsiveness',
  name: { fr: 'Taux de réactivité réseaux sociaux', en: 'Social responsiveness' },
  unit: '%',
  better: 'higher',
  family: 'service',
  compute: ({ totals }) => ratio(totals.social_within_d, totals.social_inbound),
};
