import { type KpiDefinition, ratio } from '../kpi.js';

/** Share of handled and outbound contacts that converted. */
export const conversionRate: KpiDefinition = {
  id: 'conversion_rate',
  name: { fr: 'Taux de transformation', en: 'Conversion rate' },
  unit: '%',
  better: 'higher',
  family: 'sales',
  compute: ({ totals }) =>
    // conversion_hits, not converted: a conversion on an abandoned or bot contact has no place in this denominator.
    ratio(totals.conversion_hits, totals.handled + totals.outbound),
};
