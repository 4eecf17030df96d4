import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Inbound contacts per active customer. */
export const contactRate: KpiDefinition = {
  id: 'contact_rate',
  name: { fr: 'Taux de contact', en: 'Contact rate' },
  unit: '%',
  better: 'lower',
  family: 'customers',
  compute: ({ customers, totals }) => (customers ? ratio(totals.inbound, customers.atEnd) : NO_DATA),
};
