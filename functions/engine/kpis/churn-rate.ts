import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Share of the customers at the start lost during the period. */
export const churnRate: KpiDefinition = {
  id: 'churn_rate',
  name: { fr: 'Taux de churn', en: 'Churn rate' },
  unit: '%',
  better: 'lower',
  family: 'customers',
  compute: ({ customers }) => (customers ? ratio(customers.lost, customers.atStart) : NO_DATA),
};
