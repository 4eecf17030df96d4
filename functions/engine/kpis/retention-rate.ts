import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Share of the customers at the start still there at the end, new customers aside. */
export const retentionRate: KpiDefinition = {
  id: 'retention_rate',
  name: { fr: 'Taux de rétention', en: 'Retention rate' },
  unit: '%',
  better: 'higher',
  family: 'customers',
  compute: ({ customers }) => (customers ? ratio(customers.atEnd - customers.acquired, customers.atStart) : NO_DATA),
};
