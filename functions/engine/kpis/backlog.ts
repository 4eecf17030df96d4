import { count, delivered, type KpiDefinition, NO_DATA } from '../kpi.js';

/** Tickets open at the end of the period. */
export const backlog: KpiDefinition = {
  id: 'backlog',
  name: { fr: 'Encours', en: 'Backlog' },
  unit: 'count',
  better: 'lower',
  family: 'resolution',
  // No ticket export at all is not an empty backlog (docs/spec.md §3).
  compute: (input) => (delivered(input, 'tickets') ? count(input.backlog) : NO_DATA),
};
