import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Share of the period's buyers who had ordered before. */
export const repeatCustomerRate: KpiDefinition = {
  id: 'repeat_customer_rate',
  name: { fr: 'Clients récurrents', en: 'Repeat customer rate' },
  definition: {
    fr: 'Clients ayant commandé sur la période et auparavant ÷ clients ayant commandé sur la période.',
    en: 'Customers with an order in the period and an earlier one ÷ customers with an order in the period.',
  },
  unit: '%',
  better: 'higher',
  family: 'customers',
  compute: ({ customers }) => (customers ? ratio(customers.repeatBuyers, customers.buyers) : NO_DATA),
};
