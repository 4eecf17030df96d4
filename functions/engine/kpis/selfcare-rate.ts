import { type KpiDefinition, ratio } from '../kpi.js';

/** Share of inbound contacts redirected to self-care or handled by a bot. */
export const selfcareRate: KpiDefinition = {
  id: 'selfcare_rate',
  name: { fr: 'Taux de transfert vers le selfcare', en: 'Self-care rate' },
  unit: '%',
  better: 'higher',
  family: 'digital',
  compute: ({ totals }) => ratio(totals.selfcare, totals.inbound),
};
