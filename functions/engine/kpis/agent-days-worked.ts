import { count, type KpiDefinition, NO_DATA } from '../kpi.js';

/** Agent days worked in the period. */
export const agentDaysWorked: KpiDefinition = {
  id: 'agent_days_worked',
  name: { fr: 'Jours agents travaillés', en: 'Agent days worked' },
  unit: 'count',
  better: null,
  family: 'workforce',
  compute: ({ agentDays }) => (agentDays ? count(agentDays.days_worked) : NO_DATA),
};
