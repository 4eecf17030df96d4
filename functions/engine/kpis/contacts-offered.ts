import { count, type KpiDefinition } from '../kpi.js';

/** Inbound voice and chat contacts that reached a queue: handled or abandoned (docs/spec.md §3). */
export const contactsOffered: KpiDefinition = {
  id: 'contacts_offered',
  name: { fr: 'Appels présentés', en: 'Contacts offered' },
  unit: 'count',
  better: null,
  family: 'volume',
  compute: ({ totals }) => count(totals.offered),
};
