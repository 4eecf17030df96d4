import { count, delivered, type KpiDefinition, NO_DATA } from '../kpi.js';

/** Tickets created in the period. */
export const ticketsCreated: KpiDefinition = {
  id: 'tickets_created',
  name: { fr: 'Tickets créés', en: 'Tickets created' },
  unit: 'count',
  better: null,
  family: 'volume',
  // No ticket export at all is not a day without tickets (docs/spec.md §3).
  compute: (input) => (delivered(input, 'tickets') ? count(input.totals.tickets_created) : NO_DATA),
};
