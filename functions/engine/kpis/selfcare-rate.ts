import { type KpiDefinition, ratio } from '../kpi.js';

/** Share of inbound contacts redirected to self-care or handled by a bot. */
export const selfcareRate: KpiDefinition = {
  id: 'selfcare_rate',
  name: { fr: 'Taux de transfert vers le selfcare', en: 'Self-care rate' },
  definition: {
    fr: 'Contacts redirigés vers le selfcare ou traités par un bot ÷ contacts entrants.',
    en: 'Contacts redirected to self-care or handled by a bot ÷ inbound contacts.',
  },
  unit: '%',
  better: 'higher',
  family: 'digital',
  compute: ({ totals }) => ratio(totals.selfcare, totals.inbound),
};
