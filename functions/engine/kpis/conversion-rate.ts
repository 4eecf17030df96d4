import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Share of handled and outbound contacts that converted. */
export const conversionRate: KpiDefinition = {
  id: 'conversion_rate',
  name: { fr: 'Taux de transformation', en: 'Conversion rate' },
  unit: '%',
  better: 'higher',
  family: 'sales',
  compute: ({ totals }) =>
    // Where no contact says whether it converted, the rate is unknown, not 0 (docs/spec.md §3).
    // conversion_hits, not converted: a conversion on an abandoned or bot contact has no place in this denominator.
    totals.converted_known > 0 ? ratio(totals.conversion_hits, totals.handled + totals.outbound) : NO_DATA,
};
