import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Inbound contacts per active customer. */
export const contactRate: KpiDefinition = {
  id: 'contact_rate',
  name: { fr: 'Taux de contact', en: 'Contact rate' },
  definition: {
    fr: 'Contacts entrants ÷ clients actifs en fin de période.',
    en: 'Inbound contacts ÷ active customers at the end of the period.',
  },
  unit: '%',
  better: 'lower',
  family: 'customers',
  compute: ({ customers, totals }) => (customers ? ratio(totals.inbound, customers.atEnd) : NO_DATA),
};
