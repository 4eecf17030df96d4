import { type KpiDefinition, ratio } from '../kpi.js';

/** Share of offered contacts handled within T (optionally counting abandons within T). */
export const serviceLevel: KpiDefinition = {
  id: 'service_level',
  name: { fr: 'Niveau de service', en: 'Service level' },
  unit: '%',
  better: 'higher',
  family: 'service',
  compute: ({ totals, options }) =>
    ratio(
      // Amazon Connect counts an abandon within T as met; configurable so figures match its dashboards.
      totals.handled_within_t + (options.serviceLevelCountsAbandonsWithinT ? totals.abandoned_within_t : 0),
      totals.offered,
    ),
};
