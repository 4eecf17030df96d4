import { count, type KpiDefinition, NO_DATA } from '../kpi.js';

/** Contacts marked converted. */
export const conversions: KpiDefinition = {
  id: 'conversions',
  name: { fr: "Conversions d'appels", en: 'Conversions' },
  unit: 'count',
  better: 'higher',
  family: 'sales',
  // Where no contact says whether it converted, conversions are unknown, not 0 (docs/spec.md §3).
  compute: ({ totals }) => (totals.converted_known > 0 ? count(totals.converted) : NO_DATA),
};
