import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Share of inbound contacts redirected to self-care or handled by a bot. */
export const selfcareRate: KpiDefinition = {
  id: 'selfcare_rate',
  name: { fr: 'Taux de transfert vers le selfcare', en: 'Self-care rate' },
  unit: '%',
  better: 'higher',
  family: 'digital',
  // Where no inbound contact says whether it was redirected and none is a bot session, the rate is
  // unknown, not 0 (docs/spec.md §3); where some do, an absent field counts as false.
  compute: ({ totals }) => (totals.selfcare_known > 0 ? ratio(totals.selfcare, totals.inbound) : NO_DATA),
};
