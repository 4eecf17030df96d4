import { type KpiDefinition, NO_DATA, ratio } from '../kpi.js';

/** Share of scheduled agent time lost to absence. */
export const absenteeismRate: KpiDefinition = {
  id: 'absenteeism_rate',
  name: { fr: "Taux d'absentéisme", en: 'Absenteeism rate' },
  unit: '%',
  better: 'lower',
  family: 'workforce',
  compute: ({ agentDays }) => (agentDays ? ratio(agentDays.absent_s, agentDays.scheduled_s) : NO_DATA),
};
