import { count, type KpiDefinition } from '../kpi.js';

/** Contacts marked converted. */
export const conversions: KpiDefinition = {
  id: 'conversions',
  name: { fr: "Conversions d'appels", en: 'Conversions' },
  unit: 'count',
  better: 'higher',
  family: 'sales',
  compute: ({ totals }) => count(totals.converted),
};
