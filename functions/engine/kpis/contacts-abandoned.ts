import { count, type KpiDefinition } from '../kpi.js';

/** Offered contacts abandoned in queue. */
export const contactsAbandoned: KpiDefinition = {
  id: 'contacts_abandoned',
  name: { fr: 'Appels abandonnés', en: 'Contacts abandoned' },
  unit: 'count',
  better: 'lower',
  family: 'volume',
  compute: ({ totals }) => count(totals.abandoned),
};
