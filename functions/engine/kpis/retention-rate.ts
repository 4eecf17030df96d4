import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Share of the customers at the start still there at the end, new customers aside. */
export const retentionRate: KpiDefinition = {
  id: 'retention_rate',
  name: { fr: 'Taux de rétention', en: 'Retention rate' },
  definition: {
    fr: '(Clients en fin de période − nouveaux clients) ÷ clients en début de période.',
    en: '(Customers at end − new customers) ÷ customers at start.',
  },
  unit: '%',
  better: 'higher',
  family: 'customers',
  compute: ({ customers }) => (customers ? ratio(customers.atEnd - customers.acquired, customers.atStart) : NO_DATA),
};
