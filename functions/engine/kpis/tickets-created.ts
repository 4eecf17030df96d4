import { count, type KpiDefinition } from '../kpi.js';

/** Tickets created in the period. */
export const ticketsCreated: KpiDefinition = {
  id: 'tickets_created',
  name: { fr: 'Tickets créés', en: 'Tickets created' },
  unit: 'count',
  better: null,
  family: 'volume',
  compute: ({ totals }) => count(totals.tickets_created),
};
