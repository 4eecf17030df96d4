import { count, type KpiDefinition } from '../kpi.js';

/** Offered contacts handled by an agent. */
export const contactsHandled: KpiDefinition = {
  id: 'contacts_handled',
  name: { fr: 'Appels traités', en: 'Contacts handled' },
  unit: 'count',
  better: 'higher',
  family: 'volume',
  compute: ({ totals }) => count(totals.handled),
};
