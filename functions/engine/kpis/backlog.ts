import { count, type KpiDefinition } from '../kpi.js';

/** Tickets open at the end of the period. */
export const backlog: KpiDefinition = {
  id: 'backlog',
  name: { fr: 'Encours', en: 'Backlog' },
  unit: 'count',
  better: 'lower',
  family: 'resolution',
  compute: ({ backlog }) => count(backlog),
};
