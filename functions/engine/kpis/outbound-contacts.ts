import { count, type KpiDefinition } from '../kpi.js';

/** Outbound contacts of any channel. */
export const outboundContacts: KpiDefinition = {
  id: 'outbound_contacts',
  name: { fr: 'Appels émis', en: 'Outbound contacts' },
  unit: 'count',
  better: null,
  family: 'volume',
  compute: ({ totals }) => count(totals.outbound),
};
