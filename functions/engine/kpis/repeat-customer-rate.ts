import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Share of the period's buyers who had ordered before. */
export const repeatCustomerRate: KpiDefinition = {
  id: 'repeat_customer_rate',
  name: { fr: 'Clients récurrents', en: 'Repeat customer rate' },
  unit: '%',
  better: 'higher',
  family: 'customers',
  compute: ({ customers }) => (customers ? ratio(customers.repeatBuyers, customers.buyers) : NO_DATA),
};
